import { describe, expect, it } from 'vitest';
import { seededIdentity } from '../testing/in-memory-identity';
import { CreateUserUseCase } from './create-user.usecase';
import { DeleteUserUseCase } from './delete-user.usecase';

describe('DeleteUserUseCase', () => {
  it('frees the name and email, ends sessions, and keeps the row renamed name#id', async () => {
    const { users, sessions, dataSource, outbox, admin, alice } = await seededIdentity();
    await sessions.insert({ sessionHash: 'h', userId: alice.id, creationTime: '', expiresAt: '9' });
    await new DeleteUserUseCase(users, sessions, dataSource, outbox).execute(admin, alice.id);
    expect(await users.findById(alice.id)).toBeNull();
    expect(users.rows.get(alice.id)).toMatchObject({
      username: `alice#${alice.id}`,
      deleted: true,
      passwordHash: null,
    });
    expect(sessions.rows.size).toBe(0);
    expect(outbox.dataOf('user.deleted')).toEqual([
      { operator: 'admin', userId: alice.id, username: 'alice' },
    ]);
    const again = await new CreateUserUseCase(users, dataSource, outbox).execute(admin, {
      username: 'alice',
      email: 'alice@example.com',
      password: 'Secr3tPass',
    });
    expect(again.id).not.toBe(alice.id);
  });

  it('refuses deleting oneself, and non-admins', async () => {
    const { users, sessions, dataSource, outbox, admin, alice } = await seededIdentity();
    const del = new DeleteUserUseCase(users, sessions, dataSource, outbox);
    await expect(del.execute(admin, admin.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(del.execute(alice, admin.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(del.execute(admin, 99)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
