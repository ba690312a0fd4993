import { InMemoryRobotRepository } from '../robots/robot.repository';
import { describe, expect, it } from 'vitest';
import { PASSWORD, seededIdentity } from '../testing/in-memory-identity';
import { GenerateCliSecretUseCase } from './generate-cli-secret.usecase';
import { VerifyCredentialsUseCase } from './verify-credentials.usecase';

describe('VerifyCredentialsUseCase and GenerateCliSecretUseCase', () => {
  it('verifies a password, and the CLI secret only where allowed', async () => {
    const { users, throttle, dataSource, outbox, alice } = await seededIdentity();
    const verify = new VerifyCredentialsUseCase(users, throttle, new InMemoryRobotRepository());
    expect(
      await verify.execute({ username: 'alice', password: PASSWORD, allowCliSecret: false }),
    ).toEqual({ outcome: 'verified', principal: alice });

    const secret = await new GenerateCliSecretUseCase(users, dataSource, outbox).execute(
      alice,
      alice.id,
    );
    expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await users.findById(alice.id))?.cliSecretHash).not.toContain(secret);
    expect(
      await verify.execute({ username: 'alice', password: secret, allowCliSecret: true }),
    ).toMatchObject({ outcome: 'verified' });
    expect(
      await verify.execute({ username: 'alice', password: secret, allowCliSecret: false }),
    ).toEqual({ outcome: 'invalid', reason: 'bad credentials' });

    const renewed = await new GenerateCliSecretUseCase(users, dataSource, outbox).execute(
      alice,
      alice.id,
    );
    expect(
      await verify.execute({ username: 'alice', password: secret, allowCliSecret: true }),
    ).toEqual({ outcome: 'invalid', reason: 'bad credentials' });
    expect(
      await verify.execute({ username: 'alice', password: renewed, allowCliSecret: true }),
    ).toMatchObject({ outcome: 'verified' });
  });

  it('answers an unknown user like a wrong password, paying for the same scrypt', async () => {
    const { users, throttle } = await seededIdentity();
    const verify = new VerifyCredentialsUseCase(users, throttle, new InMemoryRobotRepository());
    const time = async (username: string): Promise<number> => {
      const t0 = performance.now();
      expect(
        await verify.execute({ username, password: 'Wr0ngPass', allowCliSecret: true }),
      ).toEqual({ outcome: 'invalid', reason: 'bad credentials' });
      return performance.now() - t0;
    };
    const known = await time('alice');
    const unknown = await time('nobody');
    expect(unknown).toBeGreaterThan(known / 4); // both are dominated by one scrypt
  });

  it('locks after five failures even for the right password, and names no user in the answer', async () => {
    const { users, throttle } = await seededIdentity();
    let now = 0;
    throttle.clock = { now: () => now };
    const verify = new VerifyCredentialsUseCase(users, throttle, new InMemoryRobotRepository());
    for (let i = 0; i < 5; i++) {
      await verify.execute({
        username: 'alice',
        password: 'x',
        source: '::1',
        allowCliSecret: true,
      });
    }
    expect(
      await verify.execute({ username: 'alice', password: PASSWORD, allowCliSecret: true }),
    ).toEqual({ outcome: 'locked', retryAfterSeconds: 180 });
    now = 180_000;
    expect(
      await verify.execute({ username: 'alice', password: PASSWORD, allowCliSecret: true }),
    ).toMatchObject({ outcome: 'verified' });
  });

  it('refuses deleted users and users without a password', async () => {
    const { users, throttle, alice } = await seededIdentity();
    await users.update(alice.id, { passwordHash: null });
    const verify = new VerifyCredentialsUseCase(users, throttle, new InMemoryRobotRepository());
    expect(
      await verify.execute({ username: 'alice', password: PASSWORD, allowCliSecret: true }),
    ).toEqual({ outcome: 'invalid', reason: 'bad credentials' });
  });
});
