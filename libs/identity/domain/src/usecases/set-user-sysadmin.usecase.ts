import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { OutboxWriter } from '@berth/platform/messaging';
import { actorOf } from '../audit';
import { IdentityError } from '../identity.errors';
import type { Principal } from '../principal';
import { UserRepository } from '../user.repository';
import { notFound, requireSysadmin } from './actor';
import { userUpdated } from './user-events';

/** A system admin grants or revokes the system admin role; the last system admin stays one. */
@Injectable()
export class SetUserSysadminUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    id: number,
    sysadmin: boolean,
    audit: Actor = actorOf(actor),
  ): Promise<void> {
    requireSysadmin(actor);
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    if (user.sysadmin === sysadmin) return;
    if (!sysadmin && (await this.users.countSysadmins()) <= 1) {
      throw new IdentityError('CONFLICT', 'the last system admin cannot lose the role');
    }
    await this.dataSource.transaction(async (em) => {
      await this.users.update(id, { sysadmin }, em);
      await this.outbox.append(em, userUpdated(audit, user, ['sysadmin']));
    });
  }
}
