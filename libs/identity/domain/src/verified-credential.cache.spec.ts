import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hashPassword } from './password-hash';
import { InMemoryRobotRepository } from './robots/robot.repository';
import { hashSecret } from './secret';
import { PASSWORD, seededIdentity } from './testing/in-memory-identity';
import { VerifyCredentialsUseCase } from './usecases/verify-credentials.usecase';
import { VerifiedCredentialCache } from './verified-credential.cache';

// Counting scrypt calls shows which checks paid for the password hash.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return { ...actual, scrypt: vi.fn(actual.scrypt) };
});
const scrypt = vi.mocked(crypto.scrypt);

describe('VerifiedCredentialCache in VerifyCredentialsUseCase', () => {
  let clock = 0;
  const setup = async () => {
    const id = await seededIdentity();
    const verify = new VerifyCredentialsUseCase(
      id.users,
      id.throttle,
      new InMemoryRobotRepository(),
      new VerifiedCredentialCache(() => clock),
    );
    const check = (password: string, allowCliSecret = true) =>
      verify.execute({ username: 'alice', password, allowCliSecret });
    return { ...id, check };
  };
  beforeEach(() => {
    clock = 1_000_000;
    scrypt.mockClear();
  });

  it('spares the scrypt of a repeated success, never of a failure', async () => {
    const { check, alice } = await setup();
    await hashPassword('warm-up'); // the seeding's own scrypt calls are not counted
    scrypt.mockClear();
    expect(await check(PASSWORD)).toEqual({ outcome: 'verified', principal: alice });
    expect(scrypt).toHaveBeenCalledTimes(1);
    expect(await check(PASSWORD)).toEqual({ outcome: 'verified', principal: alice });
    expect(scrypt).toHaveBeenCalledTimes(1);
    expect(await check('Wr0ng-password')).toEqual({
      outcome: 'invalid',
      reason: 'bad credentials',
    });
    expect(await check('Wr0ng-password')).toEqual({
      outcome: 'invalid',
      reason: 'bad credentials',
    });
    expect(scrypt).toHaveBeenCalledTimes(3);
  });

  it('runs one scrypt for identical checks arriving together', async () => {
    const { check, alice } = await setup();
    await hashPassword('warm-up');
    scrypt.mockClear();
    const results = await Promise.all(Array.from({ length: 8 }, () => check(PASSWORD)));
    expect(results).toEqual(Array(8).fill({ outcome: 'verified', principal: alice }));
    expect(scrypt).toHaveBeenCalledTimes(1);
    const wrong = await Promise.all(Array.from({ length: 4 }, () => check('Wr0ng-password')));
    expect(wrong).toEqual(Array(4).fill({ outcome: 'invalid', reason: 'bad credentials' }));
    expect(scrypt).toHaveBeenCalledTimes(2);
  });

  it('forgets a success after two minutes', async () => {
    const { check } = await setup();
    await check(PASSWORD);
    clock += 2 * 60_000;
    scrypt.mockClear();
    expect(await check(PASSWORD)).toMatchObject({ outcome: 'verified' });
    expect(scrypt).toHaveBeenCalledTimes(1);
  });

  it('ends at once when the password or the CLI secret changes', async () => {
    const { check, users, alice } = await setup();
    expect(await check(PASSWORD)).toMatchObject({ outcome: 'verified' });
    await users.update(alice.id, { passwordHash: await hashPassword('N3w-password-alice') });
    expect(await check(PASSWORD)).toEqual({ outcome: 'invalid', reason: 'bad credentials' });

    await users.update(alice.id, { cliSecretHash: hashSecret('Cli-Secret-0f-Alice') });
    expect(await check('Cli-Secret-0f-Alice')).toMatchObject({ outcome: 'verified' });
    await users.update(alice.id, { cliSecretHash: hashSecret('Cli-Secret-Renewed') });
    expect(await check('Cli-Secret-0f-Alice')).toEqual({
      outcome: 'invalid',
      reason: 'bad credentials',
    });
  });

  it('keeps a CLI-secret success away from checks that refuse CLI secrets (portal login)', async () => {
    const { check, users, alice } = await setup();
    await users.update(alice.id, { cliSecretHash: hashSecret('Cli-Secret-0f-Alice') });
    expect(await check('Cli-Secret-0f-Alice', true)).toMatchObject({ outcome: 'verified' });
    expect(await check('Cli-Secret-0f-Alice', false)).toEqual({
      outcome: 'invalid',
      reason: 'bad credentials',
    });
  });

  it('keys entries by an HMAC under a per-process key, not by the password', () => {
    const a = new VerifiedCredentialCache();
    const b = new VerifiedCredentialCache();
    const key = a.keyOf('alice', PASSWORD, 'cli');
    expect(key).not.toContain(PASSWORD);
    expect(key).not.toBe(b.keyOf('alice', PASSWORD, 'cli'));
    expect(key).toBe(a.keyOf('alice', PASSWORD, 'cli'));
  });
});
