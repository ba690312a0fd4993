import { InMemoryRobotRepository } from '../robots/robot.repository';
import { describe, expect, it } from 'vitest';
import { seededIdentity } from '../testing/in-memory-identity';
import { SetCliSecretUseCase } from './set-cli-secret.usecase';
import { VerifyCredentialsUseCase } from './verify-credentials.usecase';

describe('SetCliSecretUseCase', () => {
  it('sets a chosen secret that then works as a credential', async () => {
    const { users, throttle, dataSource, outbox, alice } = await seededIdentity();
    await new SetCliSecretUseCase(users, dataSource, outbox).execute(
      alice,
      alice.id,
      'Cl1SecretOfAlice',
    );
    const verified = await new VerifyCredentialsUseCase(
      users,
      throttle,
      new InMemoryRobotRepository(),
    ).execute({
      username: 'alice',
      password: 'Cl1SecretOfAlice',
      allowCliSecret: true,
    });
    expect(verified.outcome).toBe('verified');
    expect(outbox.dataOf('user.updated')).toEqual([
      { operator: 'alice', userId: alice.id, username: 'alice', changes: ['cli_secret'] },
    ]);
    expect(JSON.stringify(outbox.events)).not.toContain('Cl1SecretOfAlice');
  });

  it('refuses a weak secret, another user’s account and an unknown user', async () => {
    const { users, dataSource, outbox, admin, alice } = await seededIdentity();
    const set = new SetCliSecretUseCase(users, dataSource, outbox);
    await expect(set.execute(alice, alice.id, 'weak')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(set.execute(alice, admin.id, 'Cl1SecretOfAlice')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(set.execute(admin, 99, 'Cl1SecretOfAlice')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
