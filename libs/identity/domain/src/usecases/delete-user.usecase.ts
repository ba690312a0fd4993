import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { OutboxWriter } from '@berth/platform/messaging';
import { actorOf } from '../audit';
import { IdentityError } from '../identity.errors';
import type { Principal } from '../principal';
import { UserRepository } from '../user.repository';
import { UserSessionRepository } from '../user-session.repository';
import { notFound, requireSysadmin } from './actor';
import { userDeleted } from './user-events';

/**
 * A system admin deletes a user. As in Harbor the row stays (audit entries keep pointing at
 * it), renamed `name#id` so the name and email can be used again; `#` is not allowed in names.
 */
@Injectable()
export class DeleteUserUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: UserSessionRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(actor: Principal, id: number, audit: Actor = actorOf(actor)): Promise<void> {
    const caller = requireSysadmin(actor);
    if (caller.id === id) throw new IdentityError('FORBIDDEN', 'you cannot delete yourself');
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    await this.dataSource.transaction(async (em) => {
      await this.users.update(
        id,
        {
          username: `${user.username}#${id}`,
          email: user.email === null ? null : `${user.email}#${id}`,
          passwordHash: null,
          cliSecretHash: null,
          sysadmin: false,
          deleted: true,
        },
        em,
      );
      await this.outbox.append(em, userDeleted(audit, user));
    });
    await this.sessions.deleteForUser(id);
  }
}
