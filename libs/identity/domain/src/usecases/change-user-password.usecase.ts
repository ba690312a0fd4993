import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { OutboxWriter } from '@berth/platform/messaging';
import { actorOf } from '../audit';
import { IdentityError } from '../identity.errors';
import { hashPassword, verifyPassword } from '../password-hash';
import type { Principal } from '../principal';
import { UserRepository } from '../user.repository';
import { UserSessionRepository } from '../user-session.repository';
import { passwordError } from '../user-validation';
import { badRequest, notFound, requireSelfOrSysadmin } from './actor';
import { userUpdated } from './user-events';

export interface ChangePasswordCommand {
  /** Required when changing one's own password, admins included. */
  oldPassword?: string;
  newPassword: string;
}

/** A user changes their own password (proving the old one), or a system admin sets another's. */
@Injectable()
export class ChangeUserPasswordUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: UserSessionRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    id: number,
    command: ChangePasswordCommand,
    audit: Actor = actorOf(actor),
  ): Promise<void> {
    const caller = requireSelfOrSysadmin(actor, id);
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    badRequest(passwordError(command.newPassword));
    const self = caller.id === id;
    if (self) {
      const oldOk =
        command.oldPassword !== undefined &&
        user.passwordHash !== null &&
        (await verifyPassword(command.oldPassword, user.passwordHash));
      if (!oldOk) throw new IdentityError('FORBIDDEN', 'the old password is incorrect');
      if (command.oldPassword === command.newPassword) {
        throw new IdentityError('BAD_REQUEST', 'the new password must differ from the old one');
      }
    }
    const passwordHash = await hashPassword(command.newPassword);
    await this.dataSource.transaction(async (em) => {
      await this.users.update(id, { passwordHash }, em);
      await this.outbox.append(em, userUpdated(audit, user, ['password']));
    });
    // Someone else reset it: whoever held the old password must not stay signed in.
    if (!self) await this.sessions.deleteForUser(id);
  }
}
