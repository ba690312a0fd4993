import { Injectable, Optional } from '@nestjs/common';
import { LoginThrottle } from '../login-throttle';
import { verifyPassword } from '../password-hash';
import type { RobotPrincipal, UserPrincipal } from '../principal';
import { isRobotName } from '../robots/robot-name';
import { robotIsActive, robotPrincipalOf } from '../robots/robot-principal';
import type { RobotEntity } from '../robots/robot.entity';
import { RobotRepository } from '../robots/robot.repository';
import { hashSecret, sameDigest } from '../secret';
import type { UserEntity } from '../user.entity';
import { UserRepository } from '../user.repository';
import { VerifiedCredentialCache } from '../verified-credential.cache';
import { principalOf } from './actor';

export interface VerifyCredentialsCommand {
  username: string;
  /** The password, or (when `allowCliSecret`) the CLI secret. */
  password: string;
  /** Source address, for per-address throttling. */
  source?: string;
  /** Docker and Basic auth accept the CLI secret and robots (`robot$…`); the portal login does not. */
  allowCliSecret: boolean;
}

/** Why a login failed, in words safe to record; a disabled or expired robot only with its right secret. */
export type InvalidLoginReason = 'bad credentials' | 'robot disabled' | 'robot expired';

export type VerifyCredentialsResult =
  | { outcome: 'verified'; principal: UserPrincipal | RobotPrincipal }
  /** `reason` is for the audit log only: callers answer every invalid login alike. */
  | { outcome: 'invalid'; reason: InvalidLoginReason }
  | { outcome: 'locked'; retryAfterSeconds: number };

// Verified when the user is unknown or has no password, so every miss costs one scrypt too.
const DUMMY_PASSWORD_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const DUMMY_SECRET_HASH = '0'.repeat(64);
const MAX_CREDENTIAL_LENGTH = 1024;

/**
 * Checks a username with a password or CLI secret. Every attempt costs the same (one scrypt,
 * one SHA-256, constant-time comparisons) whether or not the user exists; repeated failures
 * lock the account name and the source address for a while (LoginThrottle). Users' recent
 * successes are remembered briefly (VerifiedCredentialCache) to spare the scrypt.
 */
@Injectable()
export class VerifyCredentialsUseCase {
  /** Password checks in progress, by cache key and stored hash. */
  private readonly running = new Map<string, Promise<boolean>>();

  constructor(
    private readonly users: UserRepository,
    private readonly throttle: LoginThrottle,
    private readonly robots: RobotRepository,
    @Optional() private readonly verified: VerifiedCredentialCache = new VerifiedCredentialCache(),
  ) {}

  async execute(command: VerifyCredentialsCommand): Promise<VerifyCredentialsResult> {
    const { username, password, source } = command;
    const retryAfterSeconds = this.throttle.retryAfterSeconds(username, source);
    if (retryAfterSeconds > 0) return { outcome: 'locked', retryAfterSeconds };

    const plausible =
      username.length > 0 && username.length <= 255 && password.length <= MAX_CREDENTIAL_LENGTH;
    if (command.allowCliSecret && isRobotName(username))
      return this.robot(username, plausible ? password : '', source);
    const user = plausible ? await this.users.findByUsername(username) : null;
    const cacheKey = plausible
      ? this.verified.keyOf(username, password, command.allowCliSecret ? 'cli' : 'password')
      : undefined;
    if (user && cacheKey && this.stillVerified(cacheKey, user)) {
      this.throttle.recordSuccess(username);
      return { outcome: 'verified', principal: principalOf(user) };
    }
    const passwordOk = await this.checkPassword(
      cacheKey,
      plausible ? password : '',
      user?.passwordHash ?? DUMMY_PASSWORD_HASH,
    );
    const secretOk = sameDigest(
      hashSecret(plausible ? password : ''),
      user?.cliSecretHash ?? DUMMY_SECRET_HASH,
    );
    const verified =
      user !== null &&
      ((user.passwordHash !== null && passwordOk) ||
        (command.allowCliSecret && user.cliSecretHash !== null && secretOk));
    if (!verified || !user) {
      this.throttle.recordFailure(username, source);
      return { outcome: 'invalid', reason: 'bad credentials' };
    }
    this.throttle.recordSuccess(username);
    if (cacheKey) {
      const byPassword = user.passwordHash !== null && passwordOk;
      this.verified.set(cacheKey, {
        userId: user.id,
        via: byPassword ? 'password' : 'cli-secret',
        storedHash: (byPassword ? user.passwordHash : user.cliSecretHash) ?? '',
      });
    }
    return { outcome: 'verified', principal: principalOf(user) };
  }

  /**
   * One scrypt for identical checks running at once (32 clients sending the same Basic
   * credentials would otherwise run 32 scrypts of 32 MiB each); later ones hit the cache.
   */
  private checkPassword(
    cacheKey: string | undefined,
    password: string,
    hash: string,
  ): Promise<boolean> {
    if (!cacheKey) return verifyPassword(password, hash);
    const key = `${cacheKey}\0${hash}`;
    let running = this.running.get(key);
    if (!running) {
      running = verifyPassword(password, hash).finally(() => this.running.delete(key));
      this.running.set(key, running);
    }
    return running;
  }

  /** A cached success for these credentials that still matches what the user has stored. */
  private stillVerified(cacheKey: string, user: UserEntity): boolean {
    const hit = this.verified.get(cacheKey);
    if (!hit) return false;
    const stored = hit.via === 'password' ? user.passwordHash : user.cliSecretHash;
    if (hit.userId === user.id && stored !== null && sameDigest(stored, hit.storedHash))
      return true;
    this.verified.delete(cacheKey); // the password or secret changed since
    return false;
  }

  /** A robot: one lookup, one SHA-256, one constant-time compare, found or not, active or not. */
  private async robot(
    name: string,
    secret: string,
    source?: string,
  ): Promise<VerifyCredentialsResult> {
    const robot = await this.robots.findByName(name);
    const secretOk = sameDigest(hashSecret(secret), robot?.secretHash ?? DUMMY_SECRET_HASH);
    if (!robot || !secretOk || !robotIsActive(robot, new Date())) {
      this.throttle.recordFailure(name, source);
      const reason = !robot || !secretOk ? 'bad credentials' : inactiveReason(robot);
      return { outcome: 'invalid', reason };
    }
    this.throttle.recordSuccess(name);
    return { outcome: 'verified', principal: robotPrincipalOf(robot) };
  }
}

function inactiveReason(robot: RobotEntity): InvalidLoginReason {
  return robot.disabled ? 'robot disabled' : 'robot expired';
}
