import { describe, expect, it } from 'vitest';
import { seededIdentity } from '../testing/in-memory-identity';
import { profileFromBody, UpdateUserProfileUseCase } from './update-user-profile.usecase';

describe('UpdateUserProfileUseCase', () => {
  it('updates one’s own profile and ignores sysadmin_flag and has_admin_role in the body', async () => {
    const { users, dataSource, outbox, alice } = await seededIdentity();
    const body = {
      email: 'alice@corp.example',
      realname: 'Alice A.',
      sysadmin_flag: true,
      has_admin_role: true,
      username: 'root',
    };
    await new UpdateUserProfileUseCase(users, dataSource, outbox).execute(
      alice,
      alice.id,
      profileFromBody(body),
    );
    expect(await users.findById(alice.id)).toMatchObject({
      username: 'alice',
      email: 'alice@corp.example',
      realname: 'Alice A.',
      sysadmin: false,
    });
    expect(outbox.dataOf('user.updated')).toEqual([
      { operator: 'alice', userId: alice.id, username: 'alice', changes: ['email', 'realname'] },
    ]);
    // The same profile again changes nothing, and records nothing.
    await new UpdateUserProfileUseCase(users, dataSource, outbox).execute(
      alice,
      alice.id,
      profileFromBody(body),
    );
    expect(outbox.events).toHaveLength(1);
  });

  it('lets an admin edit anyone, but not a user another user', async () => {
    const { users, dataSource, outbox, admin, alice } = await seededIdentity();
    const update = new UpdateUserProfileUseCase(users, dataSource, outbox);
    await update.execute(admin, alice.id, { comment: 'by admin' });
    expect((await users.findById(alice.id))?.comment).toBe('by admin');
    await expect(update.execute(alice, admin.id, { comment: 'x' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('refuses bad fields, a taken email and a non-object body', async () => {
    const { users, dataSource, outbox, admin, alice } = await seededIdentity();
    await users.update(admin.id, { email: 'admin@example.com' });
    const update = new UpdateUserProfileUseCase(users, dataSource, outbox);
    await expect(update.execute(alice, alice.id, { email: 'x' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(
      update.execute(alice, alice.id, { email: 'admin@example.com' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(() => profileFromBody([])).toThrow();
    expect(() => profileFromBody({ realname: 5 })).toThrow();
  });
});
