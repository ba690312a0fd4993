import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryAccessEntry, RegistryTokenClaims } from '@berth/contracts';
import { CreateUserUseCase, RobotRepository, type UserPrincipal } from '@berth/identity/domain';
import type { RunningService } from '@berth/platform/runtime';
import { startTestBerth } from './testing/test-berth';

const ADMIN_PASSWORD = 'correct-horse-battery';
const PASSWORD = 'Tenant-Passw0rd';
const ADMIN: UserPrincipal = { kind: 'user', id: 1, username: 'admin', sysadmin: true };
const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const claimsOf = (token: string): RegistryTokenClaims =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

type Caller = 'sysadmin' | 'libraryAdmin' | 'otherAdmin' | 'developer' | 'anonymous';
const USERS: Record<Exclude<Caller, 'sysadmin' | 'anonymous'>, string> = {
  libraryAdmin: 'lib-admin',
  otherAdmin: 'other-admin',
  developer: 'lib-dev',
};
const pull = (namespace: string, repository?: string) => ({
  kind: 'project',
  namespace,
  access: [{ resource: 'repository', action: 'pull' }],
  ...(repository && { repository }),
});

describe('robot accounts (registry + auth + api booted)', () => {
  let dataDir: string;
  let service: RunningService;
  let base: string;
  let libraryId = 0;

  const headersOf = (caller: Caller): Record<string, string> => {
    if (caller === 'anonymous') return {};
    if (caller === 'sysadmin') return { authorization: basic('admin', ADMIN_PASSWORD) };
    return { authorization: basic(USERS[caller], PASSWORD) };
  };
  const api = (
    caller: Caller | Record<string, string>,
    method: string,
    p: string,
    body?: unknown,
  ): Promise<Response> =>
    fetch(`${base}/api/v2.0${p}`, {
      method,
      headers: {
        ...(typeof caller === 'string' ? headersOf(caller) : caller),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const tokenResponse = (name: string, secret: string, scope: string): Promise<Response> =>
    fetch(`${base}/service/token?service=berth-registry&scope=${encodeURIComponent(scope)}`, {
      headers: { authorization: basic(name, secret) },
    });
  const grants = async (
    name: string,
    secret: string,
    scope: string,
  ): Promise<RegistryAccessEntry[]> => {
    const res = await tokenResponse(name, secret, scope);
    expect(res.status).toBe(200);
    return claimsOf(((await res.json()) as { token: string }).token).access;
  };
  const createRobot = async (
    caller: Caller,
    body: Record<string, unknown>,
  ): Promise<{ id: number; name: string; secret: string; expires_at: number }> => {
    const res = await api(caller, 'POST', '/robots', body);
    expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
    return (await res.json()) as { id: number; name: string; secret: string; expires_at: number };
  };

  beforeAll(async () => {
    ({ service, base, dataDir } = await startTestBerth('berth-robots-', ADMIN_PASSWORD));
    const createUser = service.app.get(CreateUserUseCase);
    for (const username of Object.values(USERS))
      await createUser.execute(ADMIN, {
        username,
        email: `${username}@example.test`,
        password: PASSWORD,
      });
    expect((await api('sysadmin', 'POST', '/projects', { project_name: 'other' })).status).toBe(
      201,
    );
    for (const [project, username, role] of [
      ['library', USERS.libraryAdmin, 1],
      ['library', USERS.developer, 2],
      ['other', USERS.otherAdmin, 1],
    ] as const) {
      const res = await api('sysadmin', 'POST', `/projects/${project}/members`, {
        role_id: role,
        member_user: { username },
      });
      expect(res.status).toBe(201);
    }
    libraryId = (
      (await (await api('sysadmin', 'GET', '/projects/library')).json()) as {
        project_id: number;
      }
    ).project_id;
  });
  afterAll(async () => {
    await service?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('a project robot confined to library/app-*', () => {
    let robot: { id: number; name: string; secret: string };
    beforeAll(async () => {
      robot = await createRobot('libraryAdmin', {
        name: 'ci',
        level: 'project',
        duration: 30,
        permissions: [
          {
            kind: 'project',
            namespace: 'library',
            repository: 'app-*',
            access: [
              { resource: 'repository', action: 'push' },
              { resource: 'repository', action: 'pull' },
            ],
          },
        ],
      });
    });

    it('is named robot$library+ci and never shows its secret again', async () => {
      expect(robot.name).toBe('robot$library+ci');
      const res = await api('libraryAdmin', 'GET', `/robots/${robot.id}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        name: 'robot$library+ci',
        level: 'project',
        disable: false,
        duration: 30,
      });
      expect(JSON.stringify(body)).not.toContain(robot.secret);
      expect(body).not.toHaveProperty('secret');
    });

    it('gets push on library/app-1, nothing on library/other nor another project, no catalog', async () => {
      expect(
        await grants(
          robot.name,
          robot.secret,
          'repository:library/app-1:pull,push,delete repository:library/other:pull,push repository:other/app-1:pull registry:catalog:*',
        ),
      ).toEqual([{ type: 'repository', name: 'library/app-1', actions: ['pull', 'push'] }]);
    });

    it('pushes with its token (202) and is refused elsewhere (401 insufficient_scope)', async () => {
      const token = async (scope: string): Promise<string> =>
        ((await (await tokenResponse(robot.name, robot.secret, scope)).json()) as { token: string })
          .token;
      const post = (t: string, repo: string): Promise<Response> =>
        fetch(`${base}/v2/${repo}/blobs/uploads/`, {
          method: 'POST',
          headers: { authorization: `Bearer ${t}` },
        });
      expect(
        (await post(await token('repository:library/app-1:pull,push'), 'library/app-1')).status,
      ).toBe(202);
      const refused = await post(
        await token('repository:library/other:pull,push'),
        'library/other',
      );
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('insufficient_scope');
    });

    it('authenticates with Basic on the API as a robot, which may not manage robots', async () => {
      const res = await api(
        { authorization: basic(robot.name, robot.secret) },
        'GET',
        `/robots/${robot.id}`,
      );
      expect(res.status).toBe(403);
    });

    it('refuses a duplicate name (409) and permissions beyond the creator (403)', async () => {
      const same = { name: 'ci', level: 'project', permissions: [pull('library')] };
      expect((await api('libraryAdmin', 'POST', '/robots', same)).status).toBe(409);
      expect(
        (
          await api('libraryAdmin', 'POST', '/robots', {
            ...same,
            name: 'x',
            permissions: [pull('other')],
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await api('libraryAdmin', 'POST', '/robots', {
            name: 'sys',
            level: 'system',
            permissions: [pull('*')],
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await api('libraryAdmin', 'POST', '/robots', {
            ...same,
            name: 'bad',
            permissions: [pull('library', 'A?')],
          })
        ).status,
      ).toBe(400);
    });

    it('lists a project’s robots for its admin with Harbor’s q, all robots for a sysadmin', async () => {
      const q = `?q=${encodeURIComponent(`Level=project,ProjectID=${libraryId}`)}`;
      const mine = await api('libraryAdmin', 'GET', `/robots${q}`);
      expect(mine.status).toBe(200);
      expect(((await mine.json()) as Array<{ name: string }>).map((r) => r.name)).toContain(
        robot.name,
      );
      expect((await api('otherAdmin', 'GET', `/robots${q}`)).status).toBe(403);
      expect((await api('libraryAdmin', 'GET', '/robots')).status).toBe(403);
      expect((await api('developer', 'GET', `/robots${q}`)).status).toBe(403);
      expect((await api('sysadmin', 'GET', '/robots')).status).toBe(200);
    });
  });

  it('a system robot pulls from every project and pushes nowhere', async () => {
    const robot = await createRobot('sysadmin', {
      name: 'mirror',
      level: 'system',
      duration: -1,
      permissions: [pull('*')],
    });
    expect(robot.name).toBe('robot$mirror');
    expect(robot.expires_at).toBe(-1);
    expect(
      await grants(
        robot.name,
        robot.secret,
        'repository:library/a:pull,push repository:other/b:pull',
      ),
    ).toEqual([
      { type: 'repository', name: 'library/a', actions: ['pull'] },
      { type: 'repository', name: 'other/b', actions: ['pull'] },
    ]);
  });

  it('a project’s robots go with it when it is deleted; its name is free again', async () => {
    expect(
      (await api('sysadmin', 'POST', '/projects', { project_name: 'shortlived' })).status,
    ).toBe(201);
    const robot = await createRobot('sysadmin', {
      name: 'ci',
      level: 'project',
      permissions: [
        {
          kind: 'project',
          namespace: 'shortlived',
          access: [{ resource: 'repository', action: 'pull' }],
        },
      ],
    });
    expect(
      (await tokenResponse(robot.name, robot.secret, 'repository:shortlived/a:pull')).status,
    ).toBe(200);
    expect((await api('sysadmin', 'DELETE', '/projects/shortlived')).status).toBe(200);
    expect((await api('sysadmin', 'GET', `/robots/${robot.id}`)).status).toBe(404);
    // A new project of the same name does not inherit the old robot.
    expect(
      (await api('sysadmin', 'POST', '/projects', { project_name: 'shortlived' })).status,
    ).toBe(201);
    expect(
      (await tokenResponse(robot.name, robot.secret, 'repository:shortlived/a:pull')).status,
    ).toBe(401);
  });

  it('disabled and expired robots get nothing: their credentials are refused', async () => {
    const robot = await createRobot('sysadmin', {
      name: 'off',
      level: 'system',
      permissions: [pull('*')],
    });
    expect((await api('sysadmin', 'PUT', `/robots/${robot.id}`, { disable: true })).status).toBe(
      200,
    );
    expect(
      (await tokenResponse(robot.name, robot.secret, 'repository:library/a:pull')).status,
    ).toBe(401);

    const soon = await createRobot('sysadmin', {
      name: 'old',
      level: 'system',
      duration: 1,
      permissions: [pull('*')],
    });
    await service.app
      .get(RobotRepository)
      .update(soon.id, { expiresAt: Math.floor(Date.now() / 1000) - 1 });
    expect((await tokenResponse(soon.name, soon.secret, 'repository:library/a:pull')).status).toBe(
      401,
    );
  });

  it('a refreshed secret replaces the old one; a chosen one must meet the password rule', async () => {
    const robot = await createRobot('sysadmin', {
      name: 'rotate',
      level: 'system',
      permissions: [pull('*')],
    });
    const refreshed = await api('sysadmin', 'PATCH', `/robots/${robot.id}`, {});
    expect(refreshed.status).toBe(200);
    const { secret } = (await refreshed.json()) as { secret: string };
    expect(secret).not.toBe(robot.secret);
    expect(
      (await tokenResponse(robot.name, robot.secret, 'repository:library/a:pull')).status,
    ).toBe(401);
    expect(await grants(robot.name, secret, 'repository:library/a:pull')).toHaveLength(1);
    expect((await api('sysadmin', 'PATCH', `/robots/${robot.id}`, { secret: 'weak' })).status).toBe(
      400,
    );
    expect(
      (await api('sysadmin', 'PATCH', `/robots/${robot.id}`, { secret: 'Chosen-Secret-1' })).status,
    ).toBe(200);
    expect(await grants(robot.name, 'Chosen-Secret-1', 'repository:library/a:pull')).toHaveLength(
      1,
    );
  });
});
