import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../password-hash';
import { seededIdentity } from '../testing/in-memory-identity';
import { CreateUserUseCase } from './create-user.usecase';

const command = { username: 'bob', email: 'bob@example.com', password: 'Secr3tPass' };

describe('CreateUserUseCase', () => {
  it('lets a system admin create a user who is not an admin', async () => {
    const { users, dataSource, outbox, admin } = await seededIdentity();
    const bob = await new CreateUserUseCase(users, dataSource, outbox).execute(admin, {
      ...command,
      realname: 'Bob',
    });
    expect(bob).toMatchObject({ username: 'bob', email: 'bob@example.com', sysadmin: false });
    expect(await verifyPassword('Secr3tPass', bob.passwordHash ?? '')).toBe(true);
    expect(outbox.dataOf('user.created')).toEqual([
      { operator: 'admin', userId: bob.id, username: 'bob' },
    ]);
    expect(JSON.stringify(outbox.events)).not.toContain('Secr3tPass');
  });

  it('refuses anonymous callers (no self-registration) with 401 and users with 403', async () => {
    const { users, dataSource, outbox, alice } = await seededIdentity();
    const create = new CreateUserUseCase(users, dataSource, outbox);
    await expect(create.execute({ kind: 'anonymous' }, command)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(create.execute(alice, command)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses invalid fields with 400 and taken names or emails with 409', async () => {
    const { users, dataSource, outbox, admin } = await seededIdentity();
    const create = new CreateUserUseCase(users, dataSource, outbox);
    for (const bad of [
      { username: 'b#b' },
      { email: 'nope' },
      { password: 'weakpass' },
      { comment: 'x'.repeat(31) },
    ]) {
      await expect(create.execute(admin, { ...command, ...bad })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
    }
    await expect(create.execute(admin, { ...command, username: 'alice' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      create.execute(admin, { ...command, email: 'alice@example.com' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(outbox.events).toEqual([]);
  });
});
