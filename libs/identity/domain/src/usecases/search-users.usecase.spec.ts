import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../principal';
import { seededIdentity } from '../testing/in-memory-identity';
import { MAX_SEARCH_RESULTS, SearchUsersUseCase } from './search-users.usecase';

describe('SearchUsersUseCase', () => {
  it('finds users by a case-insensitive name prefix and reveals only id and name', async () => {
    const { users, alice } = await seededIdentity();
    const page = await new SearchUsersUseCase(users).execute(alice, 'AL', { offset: 0, limit: 10 });
    expect(page).toEqual({ users: [{ id: alice.id, username: 'alice' }], total: 1 });
    expect(
      (await new SearchUsersUseCase(users).execute(alice, 'lice', { offset: 0, limit: 10 })).total,
    ).toBe(0);
  });

  it('requires a signed-in caller and a prefix, and caps a page', async () => {
    const { users, alice } = await seededIdentity();
    for (let i = 0; i < MAX_SEARCH_RESULTS + 5; i++) {
      await users.create({
        username: `user${i}`,
        email: null,
        realname: '',
        comment: '',
        passwordHash: null,
        sysadmin: false,
      });
    }
    const search = new SearchUsersUseCase(users);
    const page = await search.execute(alice, 'user', { offset: 0, limit: 100 });
    expect(page.users).toHaveLength(MAX_SEARCH_RESULTS);
    expect(page.total).toBe(MAX_SEARCH_RESULTS + 5);
    await expect(search.execute(ANONYMOUS, 'a', { offset: 0, limit: 10 })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(search.execute(alice, ' ', { offset: 0, limit: 10 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
