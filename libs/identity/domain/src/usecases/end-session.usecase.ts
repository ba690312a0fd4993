import { Injectable } from '@nestjs/common';
import { LoginAudit, namedActor } from '../audit';
import { hashSecret } from '../secret';
import { UserRepository } from '../user.repository';
import { UserSessionRepository } from '../user-session.repository';

/** Portal logout: forgets the session, so its cookie no longer works anywhere. */
@Injectable()
export class EndSessionUseCase {
  constructor(
    private readonly sessions: UserSessionRepository,
    private readonly users: UserRepository,
    private readonly audit: LoginAudit,
  ) {}

  /** `source` is the client's address; only the end of a live session is recorded. */
  async execute(sessionId: string | undefined, source?: string): Promise<void> {
    if (!sessionId) return;
    const sessionHash = hashSecret(sessionId);
    const session = await this.sessions.findActive(sessionHash, new Date().toISOString());
    await this.sessions.delete(sessionHash);
    const user = session ? await this.users.findById(session.userId) : null;
    if (user) await this.audit.ended(namedActor(user.username, source));
  }
}
