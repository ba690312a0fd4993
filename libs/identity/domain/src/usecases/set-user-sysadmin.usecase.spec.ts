import { describe, expect, it } from 'vitest';
import { seededIdentity } from '../testing/in-memory-identity';
import { SetUserSysadminUseCase } from './set-user-sysadmin.usecase';

describe('SetUserSysadminUseCase', () => {
  it('lets only a system admin grant the role', async () => {
    const { users, dataSource, outbox, admin, alice } = await seededIdentity();
    const set = new SetUserSysadminUseCase(users, dataSource, outbox);
    await expect(set.execute(alice, alice.id, true)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await set.execute(admin, alice.id, true);
    expect((await users.findById(alice.id))?.sysadmin).toBe(true);
    await set.execute(admin, alice.id, true); // already one: no change, no event
    expect(outbox.dataOf('user.updated')).toEqual([
      { operator: 'admin', userId: alice.id, username: 'alice', changes: ['sysadmin'] },
    ]);
  });

  it('refuses to demote the last system admin, also by themselves', async () => {
    const { users, dataSource, outbox, admin, alice } = await seededIdentity();
    const set = new SetUserSysadminUseCase(users, dataSource, outbox);
    await expect(set.execute(admin, admin.id, false)).rejects.toMatchObject({ code: 'CONFLICT' });
    await set.execute(admin, alice.id, true);
    await set.execute(admin, admin.id, false);
    expect((await users.findById(admin.id))?.sysadmin).toBe(false);
  });
});
