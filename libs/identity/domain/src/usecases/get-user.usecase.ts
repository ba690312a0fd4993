import { Injectable } from '@nestjs/common';
import type { Principal } from '../principal';
import type { UserEntity } from '../user.entity';
import { UserRepository } from '../user.repository';
import { notFound, requireSelfOrSysadmin } from './actor';

/** A user's record, for themselves or a system admin. */
@Injectable()
export class GetUserUseCase {
  constructor(private readonly users: UserRepository) {}

  async execute(actor: Principal, id: number): Promise<UserEntity> {
    requireSelfOrSysadmin(actor, id);
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    return user;
  }
}
