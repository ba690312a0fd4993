import { Injectable } from '@nestjs/common';
import { IdentityError } from '../identity.errors';
import type { Principal } from '../principal';
import { UserRepository } from '../user.repository';
import { notFound, requireSysadmin } from './actor';

/** A system admin grants or revokes the system admin role; the last system admin stays one. */
@Injectable()
export class SetUserSysadminUseCase {
  constructor(private readonly users: UserRepository) {}

  async execute(actor: Principal, id: number, sysadmin: boolean): Promise<void> {
    requireSysadmin(actor);
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    if (user.sysadmin === sysadmin) return;
    if (!sysadmin && (await this.users.countSysadmins()) <= 1) {
      throw new IdentityError('CONFLICT', 'the last system admin cannot lose the role');
    }
    await this.users.update(id, { sysadmin });
  }
}
