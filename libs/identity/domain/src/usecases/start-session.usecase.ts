import { Injectable } from '@nestjs/common';
import { LoginAudit, namedActor } from '../audit';
import { IdentityError } from '../identity.errors';
import type { UserPrincipal } from '../principal';
import { csrfTokenFor, hashSecret, randomSecret } from '../secret';
import { UserSessionRepository } from '../user-session.repository';
import { VerifyCredentialsUseCase } from './verify-credentials.usecase';

/** Absolute lifetime of a portal session; no sliding renewal, so reads never write. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

export interface StartedSession {
  principal: UserPrincipal;
  /** The cookie value; only its SHA-256 is stored. */
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Portal login (`POST /c/login`): checks the password (not the CLI secret) and opens a session. */
@Injectable()
export class StartSessionUseCase {
  constructor(
    private readonly verify: VerifyCredentialsUseCase,
    private readonly sessions: UserSessionRepository,
    private readonly audit: LoginAudit,
  ) {}

  async execute(username: string, password: string, source?: string): Promise<StartedSession> {
    const result = await this.verify.execute({ username, password, source, allowCliSecret: false });
    const actor = namedActor(username, source);
    if (result.outcome === 'locked') {
      await this.audit.failed('session', actor, 'too many attempts');
      throw new IdentityError(
        'TOO_MANY_REQUESTS',
        'too many failed logins; try again later',
        result.retryAfterSeconds,
      );
    }
    // Robots never reach here (no CLI secrets on the portal), but they have no session either.
    if (result.outcome === 'invalid' || result.principal.kind !== 'user') {
      await this.audit.failed(
        'session',
        actor,
        result.outcome === 'invalid' ? result.reason : 'bad credentials',
      );
      throw new IdentityError('UNAUTHORIZED', 'invalid username or password');
    }
    const now = new Date();
    await this.sessions.deleteExpired(now.toISOString());
    const sessionId = randomSecret(43); // ~256 bits
    const expiresAt = new Date(now.getTime() + SESSION_TTL_SECONDS * 1000);
    await this.sessions.insert({
      sessionHash: hashSecret(sessionId),
      userId: result.principal.id,
      creationTime: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    await this.audit.succeeded('session', actor);
    return {
      principal: result.principal,
      sessionId,
      csrfToken: csrfTokenFor(sessionId),
      expiresAt,
    };
  }
}
