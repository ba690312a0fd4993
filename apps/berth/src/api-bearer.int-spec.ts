import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateUserUseCase,
  hashSecret,
  NEVER_EXPIRES,
  RobotRepository,
  type UserPrincipal,
} from '@berth/identity/domain';
import type { RunningService } from '@berth/platform/runtime';
import { startTestBerth } from './testing/test-berth';

const ADMIN_PASSWORD = 'correct-horse-battery';
const PASSWORD = 'Bearer-Passw0rd';
const ROBOT_SECRET = 'RobotSecret0123456789';
const ADMIN: UserPrincipal = { kind: 'user', id: 1, username: 'admin', sysadmin: true };
const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('bearer tokens on /api/v2.0 (all-in-one booted)', () => {
  let dataDir: string;
  let service: RunningService;
  let base: string;
  let bobId = 0;
  let robotId = 0;

  const token = async (
    service: string,
    user: string,
    pass: string,
    scope = '',
  ): Promise<string> => {
    const res = await fetch(
      `${base}/service/token?service=${service}${scope && `&scope=${encodeURIComponent(scope)}`}`,
      { headers: { authorization: basic(user, pass) } },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };
  const api = (authorization: string, p: string, method = 'GET'): Promise<Response> =>
    fetch(`${base}/api/v2.0${p}`, { method, headers: { authorization } });

  beforeAll(async () => {
    ({ service, base, dataDir } = await startTestBerth('berth-api-bearer-', ADMIN_PASSWORD));
    bobId = (
      await service.app.get(CreateUserUseCase).execute(ADMIN, {
        username: 'bob',
        email: 'bob@example.test',
        password: PASSWORD,
      })
    ).id;
    robotId = (
      await service.app.get(RobotRepository).create({
        name: 'robot$api-reader',
        description: '',
        level: 'system',
        projectId: null,
        secretHash: hashSecret(ROBOT_SECRET),
        disabled: false,
        duration: NEVER_EXPIRES,
        expiresAt: NEVER_EXPIRES,
        permissions: [
          { kind: 'project', namespace: '*', access: [{ resource: 'project', action: 'list' }] },
        ],
        creator: 'admin',
      })
    ).id;
  });
  afterAll(async () => {
    await service?.app.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts an API token (service=berth-api) as the user it names', async () => {
    const bearer = `Bearer ${await token('berth-api', 'admin', ADMIN_PASSWORD)}`;
    const res = await api(bearer, '/users/current');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user_id: 1, username: 'admin', sysadmin_flag: true });
    // Bearer callers are not cookie callers: writes need no CSRF token.
    expect((await api(bearer, '/users/999999', 'DELETE')).status).toBe(404);
  });

  it("applies the user's own permissions, exactly as Basic auth does", async () => {
    const bearer = `Bearer ${await token('berth-api', 'bob', PASSWORD)}`;
    for (const p of ['/users/current', '/users', `/users/${bobId}`, '/projects']) {
      const viaBasic = await api(basic('bob', PASSWORD), p);
      const viaBearer = await api(bearer, p);
      expect(viaBearer.status, p).toBe(viaBasic.status);
      expect(await viaBearer.json(), p).toEqual(await viaBasic.json());
    }
    expect((await api(bearer, '/users')).status).toBe(403);
  });

  it('accepts a robot API token with the permissions of the robot, and ends it when disabled', async () => {
    const bearer = `Bearer ${await token('berth-api', 'robot$api-reader', ROBOT_SECRET)}`;
    const viaBasic = await api(basic('robot$api-reader', ROBOT_SECRET), '/projects');
    const viaBearer = await api(bearer, '/projects');
    expect(viaBearer.status).toBe(viaBasic.status);
    expect(viaBearer.status).not.toBe(401);
    await service.app.get(RobotRepository).update(robotId, { disabled: true });
    expect((await api(bearer, '/projects')).status).toBe(401);
    await service.app.get(RobotRepository).update(robotId, { disabled: false });
  });

  it('refuses a registry token on the API, and an API token on the registry', async () => {
    const registryToken = await token(
      'berth-registry',
      'admin',
      ADMIN_PASSWORD,
      'repository:library/app:pull',
    );
    const refused = await api(`Bearer ${registryToken}`, '/users/current');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      errors: [{ code: 'UNAUTHORIZED', message: 'invalid bearer token' }],
    });

    const apiToken = await token('berth-api', 'admin', ADMIN_PASSWORD);
    const v2 = await fetch(`${base}/v2/_catalog`, {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(v2.status).toBe(401);
    expect(v2.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it("refuses a tampered, a garbage and a deleted user's token with 401", async () => {
    const apiToken = await token('berth-api', 'bob', PASSWORD);
    const [h, p, s] = apiToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(
      JSON.stringify({ ...claims, principal: { kind: 'user', id: 1 }, sub: 'admin' }),
    ).toString('base64url');
    expect((await api(`Bearer ${h}.${forged}.${s}`, '/users/current')).status).toBe(401);
    expect((await api('Bearer not.a.token', '/users/current')).status).toBe(401);

    expect((await api(`Bearer ${apiToken}`, '/users/current')).status).toBe(200);
    expect((await api(basic('admin', ADMIN_PASSWORD), `/users/${bobId}`, 'DELETE')).status).toBe(
      200,
    );
    expect((await api(`Bearer ${apiToken}`, '/users/current')).status).toBe(401);
  });
});
