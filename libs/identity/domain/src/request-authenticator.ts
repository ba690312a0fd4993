import { Injectable, Optional } from '@nestjs/common';
import { ApiTokenAuthenticator } from './api-token-authenticator';
import { LoginAudit, namedActor } from './audit';
import { IdentityError } from './identity.errors';
import { ANONYMOUS, type Principal } from './principal';
import { csrfTokenFor, hashSecret, sameDigest } from './secret';
import { CSRF_HEADER, SESSION_COOKIE, readCookie } from './session-cookie';
import { UserRepository } from './user.repository';
import { UserSessionRepository } from './user-session.repository';
import { principalOf } from './usecases/actor';
import { VerifyCredentialsUseCase } from './usecases/verify-credentials.usecase';

/** What authenticateRequest needs of a request; a FastifyRequest fits. */
export interface AuthenticatableRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
}

export interface RequestAuthentication {
  principal: Principal;
  via: 'basic' | 'bearer' | 'session' | 'anonymous';
  /** For session callers: the CSRF token to hand back in the `X-Harbor-Csrf-Token` header. */
  csrfToken?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer\s+([A-Za-z0-9_.-]+)\s*$/i;

/**
 * Who sent an API request: Basic credentials (password or CLI secret), a bearer token from the
 * token service issued for `service=berth-api` (see ApiTokenAuthenticator), or the portal
 * session cookie, which on unsafe methods must come with the session's CSRF token. None is
 * anonymous. Bad Basic credentials or a bad token are a 401, never anonymity; bearer callers
 * need no CSRF token (a browser never attaches an Authorization header by itself).
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly verify: VerifyCredentialsUseCase,
    private readonly users: UserRepository,
    private readonly sessions: UserSessionRepository,
    private readonly audit: LoginAudit,
    @Optional() private readonly bearerTokens?: ApiTokenAuthenticator,
  ) {}

  async authenticateRequest(req: AuthenticatableRequest): Promise<RequestAuthentication> {
    const authorization = single(req.headers['authorization']);
    if (authorization) {
      const bearer = BEARER.exec(authorization)?.[1];
      if (bearer && this.bearerTokens) {
        return { principal: await this.bearerTokens.authenticate(bearer), via: 'bearer' };
      }
      return this.basic(authorization, req.ip);
    }
    const sessionId = readCookie(req.headers['cookie'], SESSION_COOKIE);
    if (sessionId) {
      const session = await this.session(sessionId, req);
      if (session) return session;
    }
    return { principal: ANONYMOUS, via: 'anonymous' };
  }

  private async basic(authorization: string, source?: string): Promise<RequestAuthentication> {
    const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization);
    if (!match) {
      throw new IdentityError('UNAUTHORIZED', 'unsupported or malformed Authorization header');
    }
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new IdentityError('UNAUTHORIZED', 'invalid credentials');
    const username = decoded.slice(0, colon);
    const result = await this.verify.execute({
      username,
      password: decoded.slice(colon + 1),
      source,
      allowCliSecret: true,
    });
    // Failures only: a success is every API call made with Basic credentials.
    if (result.outcome !== 'verified')
      await this.audit.failed(
        'basic',
        namedActor(username, source),
        result.outcome === 'locked' ? 'too many attempts' : result.reason,
      );
    if (result.outcome === 'locked') {
      throw new IdentityError(
        'TOO_MANY_REQUESTS',
        'too many failed logins; try again later',
        result.retryAfterSeconds,
      );
    }
    if (result.outcome === 'invalid')
      throw new IdentityError('UNAUTHORIZED', 'invalid credentials');
    return { principal: result.principal, via: 'basic' };
  }

  private async session(
    sessionId: string,
    req: AuthenticatableRequest,
  ): Promise<RequestAuthentication | undefined> {
    const session = await this.sessions.findActive(hashSecret(sessionId), new Date().toISOString());
    if (!session) return undefined; // an expired or ended session is no session
    const user = await this.users.findById(session.userId);
    if (!user) return undefined;
    const csrfToken = csrfTokenFor(sessionId);
    if (!SAFE_METHODS.has(req.method.toUpperCase())) {
      const sent = single(req.headers[CSRF_HEADER.toLowerCase()]);
      if (!sent || !sameDigest(sent, csrfToken)) {
        throw new IdentityError('FORBIDDEN', 'CSRF token invalid');
      }
    }
    return { principal: principalOf(user), via: 'session', csrfToken };
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
