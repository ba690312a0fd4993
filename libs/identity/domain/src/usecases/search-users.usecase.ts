import { Injectable } from '@nestjs/common';
import type { Principal } from '../principal';
import { UserRepository, type UserWindow } from '../user.repository';
import { badRequest, signedIn } from './actor';

/** What a user search reveals of each match: nothing a signed-in user could misuse. */
export interface UserSearchItem {
  id: number;
  username: string;
}

export interface UserSearchPage {
  users: UserSearchItem[];
  total: number;
}

/** At most this many matches per page, so a search cannot dump the user table at once. */
export const MAX_SEARCH_RESULTS = 20;

/**
 * Any signed-in user looks up users by a username prefix (to add a project member, say). Only
 * ids and names come back, never emails or roles, and a prefix is required.
 */
@Injectable()
export class SearchUsersUseCase {
  constructor(private readonly users: UserRepository) {}

  async execute(actor: Principal, prefix: string, window: UserWindow): Promise<UserSearchPage> {
    signedIn(actor);
    if (prefix.trim() === '') badRequest('a username to search for is required');
    if (prefix.length > 255) badRequest('username must be at most 255 characters');
    const page = await this.users.searchByUsernamePrefix(prefix, {
      offset: window.offset,
      limit: Math.min(window.limit, MAX_SEARCH_RESULTS),
    });
    return {
      users: page.users.map((u) => ({ id: u.id, username: u.username })),
      total: page.total,
    };
  }
}
