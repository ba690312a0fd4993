import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../password-hash';
import { PASSWORD, seededIdentity } from '../testing/in-memory-identity';
import { ChangeUserPasswordUseCase } from './change-user-password.usecase';

describe('ChangeUserPasswordUseCase', () => {
  it('lets a user change their own password only with the old one', async () => {
    const { users, sessions, dataSource, outbox, alice } = await seededIdentity();
    const change = new ChangeUserPasswordUseCase(users, sessions, dataSource, outbox);
    await expect(
      change.execute(alice, alice.id, { oldPassword: 'Wr0ngPass', newPassword: 'N3wPassword' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      change.execute(alice, alice.id, { newPassword: 'N3wPassword' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await change.execute(alice, alice.id, { oldPassword: PASSWORD, newPassword: 'N3wPassword' });
    const stored = (await users.findById(alice.id))?.passwordHash ?? '';
    expect(await verifyPassword('N3wPassword', stored)).toBe(true);
    expect(outbox.dataOf('user.updated')).toEqual([
      { operator: 'alice', userId: alice.id, username: 'alice', changes: ['password'] },
    ]);
    expect(JSON.stringify(outbox.events)).not.toContain('N3wPassword');
  });

  it('enforces the password policy and a different new password', async () => {
    const { users, sessions, dataSource, outbox, alice } = await seededIdentity();
    const change = new ChangeUserPasswordUseCase(users, sessions, dataSource, outbox);
    await expect(
      change.execute(alice, alice.id, { oldPassword: PASSWORD, newPassword: 'alllower1' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      change.execute(alice, alice.id, { oldPassword: PASSWORD, newPassword: PASSWORD }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('lets an admin set another user’s password, ending their sessions; not the reverse', async () => {
    const { users, sessions, dataSource, outbox, admin, alice } = await seededIdentity();
    await sessions.insert({ sessionHash: 'h', userId: alice.id, creationTime: '', expiresAt: '9' });
    const change = new ChangeUserPasswordUseCase(users, sessions, dataSource, outbox);
    await change.execute(admin, alice.id, { newPassword: 'Res3tByAdmin' });
    expect(sessions.rows.size).toBe(0);
    await expect(
      change.execute(alice, admin.id, { newPassword: 'Takeov3rAdmin' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
