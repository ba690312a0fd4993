import { Injectable } from '@nestjs/common';
import type { Principal } from '../principal';
import { UserRepository, type UserPage } from '../user.repository';
import { badRequest, requireSysadmin } from './actor';

export interface ListUsersQuery {
  page?: number;
  pageSize?: number;
  username?: string;
}

const MAX_PAGE_SIZE = 100;

/** Pages through live users, for system admins; Harbor's defaults (page 1, 10 per page, at most 100). */
@Injectable()
export class ListUsersUseCase {
  constructor(private readonly users: UserRepository) {}

  execute(actor: Principal, query: ListUsersQuery = {}): Promise<UserPage> {
    requireSysadmin(actor);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 10;
    if (!Number.isInteger(page) || page < 1) badRequest('page must be a positive integer');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      badRequest(`page_size must be 1 to ${MAX_PAGE_SIZE}`);
    }
    return this.users.list(page, pageSize, query.username || undefined);
  }
}
