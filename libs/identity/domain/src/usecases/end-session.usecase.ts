import { Injectable } from '@nestjs/common';
import { hashSecret } from '../secret';
import { UserSessionRepository } from '../user-session.repository';

/** Portal logout: forgets the session, so its cookie no longer works anywhere. */
@Injectable()
export class EndSessionUseCase {
  constructor(private readonly sessions: UserSessionRepository) {}

  async execute(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.sessions.delete(hashSecret(sessionId));
  }
}
