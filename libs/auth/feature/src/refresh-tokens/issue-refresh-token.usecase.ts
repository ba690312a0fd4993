import { Injectable } from '@nestjs/common';
import {
  hashSecret,
  randomSecret,
  RobotRepository,
  UserRepository,
  type RobotPrincipal,
  type UserPrincipal,
} from '@berth/identity/domain';
import { robotCredentialStamp, userCredentialStamp } from './credential-stamp';
import { RefreshTokenRepository } from './refresh-token.repository';

/**
 * How long a refresh token lasts. Docker keeps it as the credential store's identity token and
 * never replaces it, so it is not rotated on use; a password change ends it sooner.
 */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
const SELECTOR_LENGTH = 22; // ~131 bits: unguessable, so looking it up leaks nothing
const VERIFIER_LENGTH = 43; // ~256 bits

/** Issues a refresh token to a principal that just proved its credentials, for one OAuth2 client. */
@Injectable()
export class IssueRefreshTokenUseCase {
  constructor(
    private readonly tokens: RefreshTokenRepository,
    private readonly users: UserRepository,
    private readonly robots: RobotRepository,
  ) {}

  /** The token, or undefined when the principal vanished between verification and now. */
  async execute(
    principal: UserPrincipal | RobotPrincipal,
    clientId: string,
  ): Promise<string | undefined> {
    const stamp = await this.stampOf(principal);
    if (!stamp) return undefined;
    const now = new Date();
    await this.tokens.deleteExpired(now.toISOString());
    const selector = randomSecret(SELECTOR_LENGTH);
    const verifier = randomSecret(VERIFIER_LENGTH);
    await this.tokens.insert({
      selector,
      verifierHash: hashSecret(verifier),
      userId: principal.kind === 'user' ? principal.id : null,
      robotId: principal.kind === 'robot' ? principal.id : null,
      clientId,
      credentialStamp: stamp,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000).toISOString(),
    });
    return `${selector}.${verifier}`;
  }

  private async stampOf(principal: UserPrincipal | RobotPrincipal): Promise<string | undefined> {
    if (principal.kind === 'user') {
      const user = await this.users.findById(principal.id);
      return user ? userCredentialStamp(user) : undefined;
    }
    const robot = await this.robots.findById(principal.id);
    return robot ? robotCredentialStamp(robot) : undefined;
  }
}
