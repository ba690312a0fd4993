import { Inject, Injectable } from '@nestjs/common';
import { API_TOKEN_SERVICE } from '@berth/contracts';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { JwtError, isRecord, verifyJwt, type KeyResolver } from '@berth/platform/jwt';
import { IdentityError } from './identity.errors';
import type { RobotPrincipal, UserPrincipal } from './principal';
import { robotIsActive, robotPrincipalOf } from './robots/robot-principal';
import { RobotRepository } from './robots/robot.repository';
import { UserRepository } from './user.repository';
import { principalOf } from './usecases/actor';

/** The token service's public keys (a JwksClient's `resolve` in production). */
export const API_TOKEN_KEYS = Symbol('API_TOKEN_KEYS');

/**
 * `Authorization: Bearer` on `/api/v2.0`. The token comes from the token service like a
 * registry token, but for `service=berth-api` (so `aud` is `berth-api`; a registry token is
 * refused here, and an API token is refused by the registry). It names a user or robot and
 * grants nothing itself: that account's permissions, as they are now, apply as for Basic auth,
 * so deleting a user or disabling a robot ends its tokens at once. Obtain one with
 * `curl -u user:password '<base>/service/token?service=berth-api'` or the OAuth2 POST form,
 * including the refresh_token grant.
 */
@Injectable()
export class ApiTokenAuthenticator {
  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(API_TOKEN_KEYS) private readonly keys: KeyResolver,
    private readonly users: UserRepository,
    private readonly robots: RobotRepository,
  ) {}

  async authenticate(token: string): Promise<UserPrincipal | RobotPrincipal> {
    let payload: Record<string, unknown>;
    try {
      payload = (
        await verifyJwt(token, this.keys, {
          audience: API_TOKEN_SERVICE,
          issuer: this.config.auth.issuer,
        })
      ).payload;
    } catch (e) {
      if (e instanceof JwtError) throw invalidToken();
      throw e;
    }
    const { sub, principal } = payload;
    if (typeof sub !== 'string' || !isRecord(principal)) throw invalidToken();
    const { kind, id } = principal;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw invalidToken();
    // The name must still match: ids are never reused, but this keeps a renamed row out too.
    if (kind === 'user') {
      const user = await this.users.findById(id);
      if (!user || user.username !== sub) throw invalidToken();
      return principalOf(user);
    }
    if (kind === 'robot') {
      const robot = await this.robots.findById(id);
      if (!robot || robot.name !== sub || !robotIsActive(robot, new Date())) throw invalidToken();
      return robotPrincipalOf(robot);
    }
    throw invalidToken();
  }
}

function invalidToken(): IdentityError {
  return new IdentityError('UNAUTHORIZED', 'invalid bearer token');
}
