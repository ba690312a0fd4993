import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  REGISTRY_TOKEN_SERVICE,
  type RegistryAccessEntry,
  type RegistryTokenClaims,
} from '@berth/contracts';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { ProjectRegistryAccess } from '@berth/projects/domain';
import { signJwt } from '@berth/platform/jwt';
import { SigningKeyCache } from '../signing-keys/signing-key.cache';
import { grantedAccess } from './granted-access';
import { subjectOf, type Principal } from './principal';

export interface IssuedToken<Claims = RegistryTokenClaims> {
  token: string;
  expiresIn: number;
  issuedAt: string;
  claims: Claims;
}

/** Signs a registry token granting the principal what it may have of what it asked for. */
@Injectable()
export class IssueRegistryTokenUseCase {
  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly keys: SigningKeyCache,
    private readonly projects: ProjectRegistryAccess,
  ) {}

  async execute(principal: Principal, requested: RegistryAccessEntry[]): Promise<IssuedToken> {
    const key = await this.keys.activeKey();
    const now = new Date();
    const iat = Math.floor(now.getTime() / 1000);
    const ttl = this.config.auth.tokenTtlSeconds;
    const claims: RegistryTokenClaims = {
      iss: this.config.auth.issuer,
      sub: subjectOf(principal),
      aud: REGISTRY_TOKEN_SERVICE,
      exp: iat + ttl,
      nbf: iat,
      iat,
      jti: randomUUID(),
      access: await grantedAccess(principal, requested, this.projects),
    };
    return {
      token: signJwt({ ...claims }, key),
      expiresIn: ttl,
      issuedAt: new Date(iat * 1000).toISOString(),
      claims,
    };
  }
}
