import { Injectable } from '@nestjs/common';
import { DataSource, LessThan, MoreThan } from 'typeorm';
import { UserSessionEntity } from './user-session.entity';

export abstract class UserSessionRepository {
  abstract insert(session: UserSessionEntity): Promise<void>;
  /** The session with this hash, if it has not expired at `now` (ISO time). */
  abstract findActive(sessionHash: string, now: string): Promise<UserSessionEntity | null>;
  abstract delete(sessionHash: string): Promise<void>;
  abstract deleteForUser(userId: number): Promise<void>;
  abstract deleteExpired(now: string): Promise<void>;
}

@Injectable()
export class TypeOrmUserSessionRepository extends UserSessionRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get sessions() {
    return this.dataSource.getRepository(UserSessionEntity);
  }

  async insert(session: UserSessionEntity): Promise<void> {
    await this.sessions.insert(session);
  }

  findActive(sessionHash: string, now: string): Promise<UserSessionEntity | null> {
    // ISO-8601 UTC strings of one format sort as times do.
    return this.sessions.findOneBy({ sessionHash, expiresAt: MoreThan(now) });
  }

  async delete(sessionHash: string): Promise<void> {
    await this.sessions.delete({ sessionHash });
  }

  async deleteForUser(userId: number): Promise<void> {
    await this.sessions.delete({ userId });
  }

  async deleteExpired(now: string): Promise<void> {
    await this.sessions.delete({ expiresAt: LessThan(now) });
  }
}
