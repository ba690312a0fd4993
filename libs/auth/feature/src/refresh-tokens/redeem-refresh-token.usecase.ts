import { Injectable } from '@nestjs/common';
import {
  hashSecret,
  robotIsActive,
  robotPrincipalOf,
  RobotRepository,
  sameDigest,
  UserRepository,
  type RobotPrincipal,
  type UserPrincipal,
} from '@berth/identity/domain';
import { robotCredentialStamp, userCredentialStamp } from './credential-stamp';
import { RefreshTokenRepository } from './refresh-token.repository';

const TOKEN = /^([A-Za-z0-9]{22})\.([A-Za-z0-9]{43})$/;
const NO_MATCH = '0'.repeat(64);

/**
 * The principal a refresh token stands for, as it is now (current system admin flag, current
 * robot permissions); undefined when the token is unknown, expired, issued to another client,
 * or its user was deleted, its robot disabled or expired, or their credentials changed since.
 * Failures are not throttled: a 256-bit verifier cannot be guessed, and there is no account to lock.
 */
@Injectable()
export class RedeemRefreshTokenUseCase {
  constructor(
    private readonly tokens: RefreshTokenRepository,
    private readonly users: UserRepository,
    private readonly robots: RobotRepository,
  ) {}

  async execute(
    refreshToken: string,
    clientId: string,
  ): Promise<UserPrincipal | RobotPrincipal | undefined> {
    const match = TOKEN.exec(refreshToken);
    if (!match) return undefined;
    const row = await this.tokens.findBySelector(match[1]);
    const verifierOk = sameDigest(hashSecret(match[2]), row?.verifierHash ?? NO_MATCH);
    if (!row || !verifierOk || row.clientId !== clientId) return undefined;
    const now = new Date();
    if (row.expiresAt <= now.toISOString()) {
      await this.tokens.delete(row.selector);
      return undefined;
    }
    const principal = await this.currentPrincipal(
      row.userId,
      row.robotId,
      row.credentialStamp,
      now,
    );
    if (!principal) await this.tokens.delete(row.selector); // void for good: drop it
    return principal;
  }

  private async currentPrincipal(
    userId: number | null,
    robotId: number | null,
    stamp: string,
    now: Date,
  ): Promise<UserPrincipal | RobotPrincipal | undefined> {
    if (userId !== null) {
      const user = await this.users.findById(userId); // live users only: deleted ones are gone
      if (!user || !sameDigest(userCredentialStamp(user), stamp)) return undefined;
      return { kind: 'user', id: user.id, username: user.username, sysadmin: user.sysadmin };
    }
    if (robotId !== null) {
      const robot = await this.robots.findById(robotId);
      if (!robot || !robotIsActive(robot, now)) return undefined;
      if (!sameDigest(robotCredentialStamp(robot), stamp)) return undefined;
      return robotPrincipalOf(robot);
    }
    return undefined;
  }
}
