import { Injectable } from '@nestjs/common';
import type { ListQuery } from '@berth/api/domain';
import type { Principal } from '../principal';
import { UserRepository, type UserPage, type UserWindow } from '../user.repository';
import { requireSysadmin } from './actor';

/**
 * Pages through live users, for system admins. The query is already parsed against the
 * endpoint's allowlist (fields of USER_LIST_COLUMNS) and the window bounded by the caller.
 */
@Injectable()
export class ListUsersUseCase {
  constructor(private readonly users: UserRepository) {}

  async execute(actor: Principal, query: ListQuery, window: UserWindow): Promise<UserPage> {
    requireSysadmin(actor);
    return this.users.list(query, window);
  }
}
