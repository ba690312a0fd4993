import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_JWKS_PATH, type RegistryTokenClaims } from '@berth/contracts';
import {
  hashSecret,
  identityDatabaseParts,
  NEVER_EXPIRES,
  RobotRepository,
  UserRepository,
  hashPassword,
} from '@berth/identity/domain';
import { JwksClient, verifyJwt } from '@berth/platform/jwt';
import { projectsDatabaseParts } from '@berth/projects/domain';
import { startService, type RunningService } from '@berth/platform/runtime';
import { freePort } from '@berth/platform/testing';
import { DataSource } from 'typeorm';
import { AuthFeatureModule } from './auth-feature.module';
import { authDatabaseParts } from './auth-database.parts';
import { RefreshTokenEntity } from './refresh-tokens/refresh-token.entity';
import { RotateSigningKeyUseCase } from './signing-keys/rotate-signing-key.usecase';

const PASSWORD = 'correct-horse-battery';
const ALICE_PASSWORD = 'Alice-Password-1';
const ROBOT_SECRET = 'RobotSecret0123456789';
const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
const kidOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { kid: string })
    .kid;

interface TokenBody {
  token: string;
  access_token: string;
  refresh_token?: string;
  error?: string;
}

describe('token service: refresh tokens, API tokens and key rotation', () => {
  let dataDir: string;
  let service: RunningService;
  let base: string;
  let aliceId: number;
  let robotId: number;

  const post = async (
    fields: Record<string, string>,
  ): Promise<{ status: number; body: TokenBody }> => {
    const res = await fetch(`${base}/service/token`, {
      method: 'POST',
      body: new URLSearchParams(fields),
    });
    return { status: res.status, body: (await res.json()) as TokenBody };
  };
  const passwordGrant = (username: string, password: string, extra: Record<string, string> = {}) =>
    post({
      grant_type: 'password',
      service: 'berth-registry',
      client_id: 'docker',
      access_type: 'offline',
      username,
      password,
      ...extra,
    });
  const refreshGrant = (refreshToken: string, extra: Record<string, string> = {}) =>
    post({
      grant_type: 'refresh_token',
      service: 'berth-registry',
      client_id: 'docker',
      refresh_token: refreshToken,
      scope: 'repository:library/app:pull,push',
      ...extra,
    });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-auth-refresh-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = await startService(
      {
        name: 'auth',
        features: [AuthFeatureModule],
        databaseParts: [authDatabaseParts, identityDatabaseParts, projectsDatabaseParts],
      },
      {
        BERTH_HTTP_PORT: String(port),
        BERTH_HTTP_HOST: '127.0.0.1',
        BERTH_DATA_DIR: dataDir,
        BERTH_ADMIN_PASSWORD: PASSWORD,
        BERTH_LOG_LEVEL: 'silent',
      },
    );
    const users = service.app.get(UserRepository);
    aliceId = (
      await users.create({
        username: 'alice',
        email: 'alice@example.com',
        realname: '',
        comment: '',
        passwordHash: await hashPassword(ALICE_PASSWORD),
        sysadmin: false,
      })
    ).id;
    robotId = (
      await service.app.get(RobotRepository).create({
        name: 'robot$ci',
        description: '',
        level: 'system',
        projectId: null,
        secretHash: hashSecret(ROBOT_SECRET),
        disabled: false,
        duration: NEVER_EXPIRES,
        expiresAt: NEVER_EXPIRES,
        permissions: [],
        creator: 'admin',
      })
    ).id;
  });
  afterAll(async () => {
    await service?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('returns a refresh token only with access_type=offline, and stores only its hash', async () => {
    const online = await passwordGrant('admin', PASSWORD, { access_type: '' });
    expect(online.status).toBe(200);
    expect(online.body).not.toHaveProperty('refresh_token');

    const offline = await passwordGrant('admin', PASSWORD);
    expect(offline.status).toBe(200);
    const refreshToken = String(offline.body.refresh_token);
    expect(refreshToken).toMatch(/^[A-Za-z0-9]{22}\.[A-Za-z0-9]{43}$/);
    const rows = await service.app.get(DataSource).getRepository(RefreshTokenEntity).find();
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(refreshToken.split('.')[1]);
    expect(rows.some((r) => r.verifierHash === hashSecret(refreshToken.split('.')[1]))).toBe(true);

    const refused = await post({
      grant_type: 'password',
      service: 'berth-registry',
      access_type: 'offline',
      username: 'admin',
      password: PASSWORD,
    });
    expect(refused.status).toBe(400); // a refresh token is bound to a client_id
  });

  it('exchanges a refresh token for a fresh access token for the scopes asked now', async () => {
    const { body } = await passwordGrant('admin', PASSWORD, {
      scope: 'repository:library/app:pull',
    });
    const refreshed = await refreshGrant(String(body.refresh_token));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).not.toHaveProperty('refresh_token');
    expect(refreshed.body.access_token).not.toBe(body.access_token);
    const claims = claimsOf(refreshed.body.access_token) as unknown as RegistryTokenClaims;
    expect(claims.sub).toBe('admin');
    expect(claims.access).toEqual([
      { type: 'repository', name: 'library/app', actions: ['pull', 'push'] },
    ]);
    // The same refresh token serves again (Docker keeps it as its identity token).
    expect((await refreshGrant(String(body.refresh_token))).status).toBe(200);
  });

  it('grants what the user may do at refresh time, not at issue time', async () => {
    const users = service.app.get(UserRepository);
    const { body } = await passwordGrant('alice', ALICE_PASSWORD);
    const before = await refreshGrant(String(body.refresh_token));
    expect((claimsOf(before.body.access_token) as unknown as RegistryTokenClaims).access).toEqual(
      [],
    );
    await users.update(aliceId, { sysadmin: true });
    try {
      const after = await refreshGrant(String(body.refresh_token));
      expect((claimsOf(after.body.access_token) as unknown as RegistryTokenClaims).access).toEqual([
        { type: 'repository', name: 'library/app', actions: ['pull', 'push'] },
      ]);
    } finally {
      await users.update(aliceId, { sysadmin: false });
    }
  });

  it.each([
    ['another client_id', (t: string) => refreshGrant(t, { client_id: 'other-client' })],
    [
      'a tampered verifier',
      (t: string) => refreshGrant(`${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`),
    ],
    ['an unknown selector', (t: string) => refreshGrant(`${'x'.repeat(22)}${t.slice(22)}`)],
    ['garbage', () => refreshGrant('not-a-refresh-token')],
  ])('refuses %s with invalid_grant and no token', async (_name, attempt) => {
    const { body } = await passwordGrant('admin', PASSWORD);
    const res = await attempt(String(body.refresh_token));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_grant',
      error_description: 'invalid refresh token',
    });
  });

  it('voids refresh tokens when the password changes, and when the user is deleted', async () => {
    const users = service.app.get(UserRepository);
    const { body } = await passwordGrant('alice', ALICE_PASSWORD);
    expect((await refreshGrant(String(body.refresh_token))).status).toBe(200);
    await users.update(aliceId, { passwordHash: await hashPassword('Alice-Password-2') });
    expect((await refreshGrant(String(body.refresh_token))).body.error).toBe('invalid_grant');

    const again = await passwordGrant('alice', 'Alice-Password-2');
    expect(again.status).toBe(200);
    await users.update(aliceId, { deleted: true, username: `alice#${aliceId}` });
    expect((await refreshGrant(String(again.body.refresh_token))).body.error).toBe('invalid_grant');
  });

  it('voids a robot refresh token when the robot is disabled', async () => {
    const { status, body } = await passwordGrant('robot$ci', ROBOT_SECRET);
    expect(status).toBe(200);
    const ok = await refreshGrant(String(body.refresh_token));
    expect(ok.status).toBe(200);
    expect(claimsOf(ok.body.access_token).sub).toBe('robot$ci');
    await service.app.get(RobotRepository).update(robotId, { disabled: true });
    expect((await refreshGrant(String(body.refresh_token))).body.error).toBe('invalid_grant');
    await service.app.get(RobotRepository).update(robotId, { disabled: false });
  });

  it('gives a refresh token on GET with offline_token=true and a client_id', async () => {
    const basic = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
    const res = await fetch(
      `${base}/service/token?service=berth-registry&offline_token=true&client_id=docker`,
      { headers: { authorization: basic } },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenBody;
    expect((await refreshGrant(String(body.refresh_token))).status).toBe(200);
    const anonymous = await fetch(
      `${base}/service/token?service=berth-registry&offline_token=true&client_id=docker`,
    );
    expect(await anonymous.json()).not.toHaveProperty('refresh_token');
  });

  it('issues API tokens (service=berth-api) naming the account, never to anonymous callers', async () => {
    const { status, body } = await post({
      grant_type: 'password',
      service: 'berth-api',
      client_id: 'script',
      username: 'admin',
      password: PASSWORD,
      scope: 'repository:library/app:pull',
    });
    expect(status).toBe(200);
    const claims = claimsOf(body.access_token);
    expect(claims).toMatchObject({
      aud: 'berth-api',
      sub: 'admin',
      principal: { kind: 'user', id: 1 },
    });
    expect(claims).not.toHaveProperty('access');
    const anonymous = await fetch(`${base}/service/token?service=berth-api`);
    expect(anonymous.status).toBe(401);
  });

  it('rotates the signing key without breaking tokens: published first, signing later', async () => {
    const basic = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
    const issue = async (): Promise<string> =>
      (
        (await (
          await fetch(`${base}/service/token?service=berth-registry`, {
            headers: { authorization: basic },
          })
        ).json()) as TokenBody
      ).token;
    const jwksKids = async (): Promise<string[]> =>
      (
        (await (await fetch(`${base}${TOKEN_JWKS_PATH}`)).json()) as {
          keys: Array<{ kid: string }>;
        }
      ).keys.map((k) => k.kid);
    // A verifier like the registry's, which last fetched the JWKS before the rotation.
    const verifier = new JwksClient(`${base}${TOKEN_JWKS_PATH}`, { minRefetchIntervalMs: 500 });
    const verify = (token: string) =>
      verifyJwt(token, verifier.resolve, {
        audience: 'berth-registry',
        issuer: 'berth-token-issuer',
      });

    const oldToken = await issue();
    const oldKid = kidOf(oldToken);
    await verify(oldToken);

    const rotated = await service.app.get(RotateSigningKeyUseCase).execute(1500);
    expect(rotated.kid).not.toBe(oldKid);
    expect(await jwksKids()).toEqual(expect.arrayContaining([oldKid, rotated.kid]));
    expect(kidOf(await issue())).toBe(oldKid); // published, not yet signing

    await new Promise((resolve) => setTimeout(resolve, 1600));
    const newToken = await issue();
    expect(kidOf(newToken)).toBe(rotated.kid);
    await expect(verify(newToken)).resolves.toBeDefined(); // unknown kid: refetched
    await expect(verify(oldToken)).resolves.toBeDefined(); // old key still published
    expect(await jwksKids()).toEqual(expect.arrayContaining([oldKid, rotated.kid]));
  });
});
