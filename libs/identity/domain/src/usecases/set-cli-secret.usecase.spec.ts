import { InMemoryRobotRepository } from '../robots/robot.repository';
import { describe, expect, it } from 'vitest';
import { seededIdentity } from '../testing/in-memory-identity';
import { SetCliSecretUseCase } from './set-cli-secret.usecase';
import { VerifyCredentialsUseCase } from './verify-credentials.usecase';

describe('SetCliSecretUseCase', () => {
  it('sets a chosen secret that then works as a credential', async () => {
    const { users, throttle, alice } = await seededIdentity();
    await new SetCliSecretUseCase(users).execute(alice, alice.id, 'Cl1SecretOfAlice');
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
  });

  it('refuses a weak secret, another user’s account and an unknown user', async () => {
    const { users, admin, alice } = await seededIdentity();
    const set = new SetCliSecretUseCase(users);
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
