import { REGISTRY_TOKEN_SERVICE, type RegistryAccessEntry } from '@berth/contracts';
import { OciError } from '@berth/oci';
import { JwtError, isRecord, verifyJwt, type KeyResolver } from '@berth/platform/jwt';
import type { RegistryAccess, RegistryPrincipal } from '@berth/registry/domain';
import { bearerChallenge } from '../registry-challenge';
import { VerifiedTokenCache } from './verified-token.cache';

export interface TokenRegistryAccessOptions {
  /** Base URL clients reach the registry at; the challenge's realm is built from it. */
  /** Token endpoint named in challenges. */
  realm: string;
  issuer: string;
  /** Trusted keys, usually a JwksClient's `resolve`. */
  keys: KeyResolver;
  cacheCapacity?: number;
  now?: () => number;
}

const BEARER = /^Bearer\s+([A-Za-z0-9_.-]+)\s*$/i;
// Bounds memory: about 1 KiB per cached token.
const DEFAULT_CACHE_CAPACITY = 10_000;

/** Authenticates `/v2/` requests with registry bearer tokens issued by Berth's token service. */
export class TokenRegistryAccess implements RegistryAccess {
  private readonly cache: VerifiedTokenCache<RegistryPrincipal>;
  private readonly now: () => number;

  constructor(private readonly options: TokenRegistryAccessOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new VerifiedTokenCache(options.cacheCapacity ?? DEFAULT_CACHE_CAPACITY, this.now);
  }

  async authenticate(
    authorization: string | undefined,
    challengeScope?: string,
  ): Promise<RegistryPrincipal> {
    const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (!token) throw this.unauthorized(challengeScope);
    const cached = this.cache.get(token);
    if (cached) return cached;
    let principal: RegistryPrincipal;
    let expiresAt: number;
    try {
      const verified = await verifyJwt(token, this.options.keys, {
        audience: REGISTRY_TOKEN_SERVICE,
        issuer: this.options.issuer,
        now: this.now,
      });
      principal = principalOf(verified.payload);
      expiresAt = verified.expiresAt;
    } catch (e) {
      if (e instanceof JwtError || e instanceof InvalidClaims)
        throw this.unauthorized(challengeScope);
      throw e;
    }
    this.cache.set(token, principal, expiresAt * 1000);
    return principal;
  }

  private unauthorized(scope: string | undefined): OciError {
    return new OciError('UNAUTHORIZED', 'authentication required', undefined, {
      'WWW-Authenticate': bearerChallenge(this.options.realm, scope),
    });
  }
}

class InvalidClaims extends Error {}

function principalOf(payload: Record<string, unknown>): RegistryPrincipal {
  const { sub, access } = payload;
  if (typeof sub !== 'string' || !Array.isArray(access)) throw new InvalidClaims();
  return { ...(sub === '' ? {} : { subject: sub }), access: access.map(accessEntry) };
}

function accessEntry(entry: unknown): RegistryAccessEntry {
  if (!isRecord(entry)) throw new InvalidClaims();
  const { type, name, actions } = entry;
  if (type !== 'repository' && type !== 'registry') throw new InvalidClaims();
  if (typeof name !== 'string' || !Array.isArray(actions)) throw new InvalidClaims();
  if (!actions.every((a): a is string => typeof a === 'string')) throw new InvalidClaims();
  return { type, name, actions: [...actions] };
}
