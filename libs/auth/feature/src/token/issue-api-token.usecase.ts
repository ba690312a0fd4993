import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { API_TOKEN_SERVICE, type ApiTokenClaims } from '@berth/contracts';
import type { RobotPrincipal, UserPrincipal } from '@berth/identity/domain';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { signJwt } from '@berth/platform/jwt';
import { SigningKeyCache } from '../signing-keys/signing-key.cache';
import { subjectOf } from './principal';
import type { IssuedToken } from './issue-registry-token.usecase';

/**
 * Signs a token for the REST API (`service=berth-api`): it names the account and grants
 * nothing by itself; the API applies the account's permissions as they are at each request.
 */
@Injectable()
export class IssueApiTokenUseCase {
  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly keys: SigningKeyCache,
  ) {}

  async execute(principal: UserPrincipal | RobotPrincipal): Promise<IssuedToken<ApiTokenClaims>> {
    const key = await this.keys.activeKey();
    const iat = Math.floor(Date.now() / 1000);
    const ttl = this.config.auth.tokenTtlSeconds;
    const claims: ApiTokenClaims = {
      iss: this.config.auth.issuer,
      sub: subjectOf(principal),
      aud: API_TOKEN_SERVICE,
      exp: iat + ttl,
      nbf: iat,
      iat,
      jti: randomUUID(),
      principal: { kind: principal.kind, id: principal.id },
    };
    return {
      token: signJwt({ ...claims }, key),
      expiresIn: ttl,
      issuedAt: new Date(iat * 1000).toISOString(),
      claims,
    };
  }
}
