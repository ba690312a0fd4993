import { describe, expect, it } from 'vitest';
import { seededIdentity } from '../testing/in-memory-identity';
import { ListUsersUseCase } from './list-users.usecase';

describe('ListUsersUseCase', () => {
  it('lists users for a system admin, filtered and sorted', async () => {
    const { users, admin } = await seededIdentity();
    const page = await new ListUsersUseCase(users).execute(
      admin,
      {
        filters: [{ field: 'email', kind: 'fuzzy', value: 'EXAMPLE' }],
        sorts: [{ field: 'username', direction: 'DESC' }],
      },
      { offset: 0, limit: 10 },
    );
    expect(page.users.map((u) => u.username)).toEqual(['alice']);
    expect(page.total).toBe(1);
  });

  it('refuses anyone else', async () => {
    const { users, alice } = await seededIdentity();
    await expect(
      new ListUsersUseCase(users).execute(
        alice,
        { filters: [], sorts: [] },
        { offset: 0, limit: 10 },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
