import { Injectable } from '@nestjs/common';
import { IdentityError } from '../identity.errors';
import type { Principal } from '../principal';
import { UserRepository } from '../user.repository';
import { UserSessionRepository } from '../user-session.repository';
import { notFound, requireSysadmin } from './actor';

/**
 * A system admin deletes a user. As in Harbor the row stays (audit entries keep pointing at
 * it), renamed `name#id` so the name and email can be used again; `#` is not allowed in names.
 */
@Injectable()
export class DeleteUserUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: UserSessionRepository,
  ) {}

  async execute(actor: Principal, id: number): Promise<void> {
    const caller = requireSysadmin(actor);
    if (caller.id === id) throw new IdentityError('FORBIDDEN', 'you cannot delete yourself');
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    await this.users.update(id, {
      username: `${user.username}#${id}`,
      email: user.email === null ? null : `${user.email}#${id}`,
      passwordHash: null,
      cliSecretHash: null,
      sysadmin: false,
      deleted: true,
    });
    await this.sessions.deleteForUser(id);
  }
}
