import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hashPassword, verifyPassword } from './password-hash';
import { RequestAuthenticator } from './request-authenticator';
import { InMemoryRobotRepository } from './robots/robot.repository';
import { csrfTokenFor, hashSecret, sameDigest } from './secret';
import { PASSWORD, seededIdentity } from './testing/in-memory-identity';
import { StartSessionUseCase } from './usecases/start-session.usecase';
import { VerifyCredentialsUseCase } from './usecases/verify-credentials.usecase';

// Every comparison of a secret must go through timingSafeEqual; the spy shows which ones do.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);
const sha256 = (s: string): Buffer => crypto.createHash('sha256').update(s, 'utf8').digest();
/** The pairs timingSafeEqual compared, as hex, order-insensitive. */
const compared = (): string[][] =>
  timingSafeEqual.mock.calls.map(([a, b]) =>
    [Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array)]
      .map((x) => x.toString('hex'))
      .sort(),
  );
const pairOf = (a: string, b: string): string[] =>
  [sha256(a), sha256(b)].map((x) => x.toString('hex')).sort();

describe('secrets are compared in constant time', () => {
  beforeEach(() => {
    timingSafeEqual.mockClear();
  });

  describe('sameDigest', () => {
    const csrf = csrfTokenFor('a-session-id');

    it.each([
      ['equal values', csrf, csrf, true],
      ['values differing in the last character', csrf, `${csrf.slice(0, -1)}~`, false],
      ['values differing in the first character', csrf, `~${csrf.slice(1)}`, false],
      ['a prefix of the expected value', csrf.slice(0, 10), csrf, false],
      ['a longer value', `${csrf}x`, csrf, false],
      ['an empty value', '', hashSecret('x'), false],
    ])('compares %s with timingSafeEqual on equal-length digests', (_, a, b, same) => {
      expect(sameDigest(a, b)).toBe(same);
      expect(timingSafeEqual).toHaveBeenCalledTimes(1);
      const [x, y] = timingSafeEqual.mock.calls[0] as [Uint8Array, Uint8Array];
      expect(x.length).toBe(32);
      expect(y.length).toBe(32);
      expect(compared()).toEqual([pairOf(a, b)]);
    });
  });

  it('verifyPassword compares the derived key with timingSafeEqual, right or wrong', async () => {
    const stored = await hashPassword(PASSWORD);
    timingSafeEqual.mockClear();
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword('Wr0ng-password', stored)).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
  });

  it('a CLI secret is compared in constant time, as is the password beside it', async () => {
    const { users, throttle, alice } = await seededIdentity();
    await users.update(alice.id, { cliSecretHash: hashSecret('Cli-Secret-0f-Alice') });
    const verify = new VerifyCredentialsUseCase(users, throttle, new InMemoryRobotRepository());
    timingSafeEqual.mockClear();
    const result = await verify.execute({
      username: 'alice',
      password: 'Cli-Secret-0f-Alice',
      allowCliSecret: true,
    });
    expect(result).toMatchObject({ outcome: 'verified' });
    expect(timingSafeEqual).toHaveBeenCalledTimes(2); // the scrypt key, then the CLI secret
    expect(compared()).toContainEqual(
      pairOf(hashSecret('Cli-Secret-0f-Alice'), hashSecret('Cli-Secret-0f-Alice')),
    );
  });

  it('a robot secret is compared in constant time, for a known and an unknown robot', async () => {
    const { users, throttle } = await seededIdentity();
    const robots = new InMemoryRobotRepository();
    const secretHash = hashSecret('Robot-Secret-123');
    await robots.create({
      name: 'robot$library+ci',
      description: '',
      level: 'project',
      projectId: 1,
      secretHash,
      disabled: false,
      duration: -1,
      expiresAt: -1,
      permissions: [],
      creator: 'user:admin',
    });
    const verify = new VerifyCredentialsUseCase(users, throttle, robots);
    const attempt = (username: string, password: string) =>
      verify.execute({ username, password, allowCliSecret: true });
    expect(await attempt('robot$library+ci', 'Robot-Secret-124')).toEqual({
      outcome: 'invalid',
      reason: 'bad credentials',
    });
    expect(compared()).toEqual([pairOf(hashSecret('Robot-Secret-124'), secretHash)]);
    timingSafeEqual.mockClear();
    expect(await attempt('robot$library+nobody', 'Robot-Secret-123')).toEqual({
      outcome: 'invalid',
      reason: 'bad credentials',
    });
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
  });

  it('the CSRF token of a session is compared in constant time', async () => {
    const id = await seededIdentity();
    const verify = new VerifyCredentialsUseCase(
      id.users,
      id.throttle,
      new InMemoryRobotRepository(),
    );
    const session = await new StartSessionUseCase(verify, id.sessions, id.loginAudit).execute(
      'alice',
      PASSWORD,
    );
    const auth = new RequestAuthenticator(verify, id.users, id.sessions, id.loginAudit);
    const cookie = `sid=${session.sessionId}`;
    const last = session.csrfToken.slice(-1);
    const forged = `${session.csrfToken.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
    timingSafeEqual.mockClear();
    await expect(
      auth.authenticateRequest({
        method: 'PUT',
        headers: { cookie, 'x-harbor-csrf-token': forged },
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(compared()).toEqual([pairOf(forged, session.csrfToken)]);
  });
});
