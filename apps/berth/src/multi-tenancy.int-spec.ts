import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryTokenClaims } from '@berth/contracts';
import { CreateUserUseCase, type UserPrincipal } from '@berth/identity/domain';
import type { RunningService } from '@berth/platform/runtime';
import { startTestBerth } from './testing/test-berth';

const ADMIN_PASSWORD = 'correct-horse-battery';
const PASSWORD = 'Tenant-Passw0rd';
const ADMIN: UserPrincipal = { kind: 'user', id: 1, username: 'admin', sysadmin: true };
const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const claimsOf = (token: string): RegistryTokenClaims =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

type Role = 'projectAdmin' | 'maintainer' | 'developer' | 'guest' | 'limitedGuest';
const ROLE_ID: Record<Role, number> = {
  projectAdmin: 1,
  developer: 2,
  guest: 3,
  maintainer: 4,
  limitedGuest: 5,
};
/** Callers: one user per role in `priv`; `outsider` is a guest of `other` only. */
const MEMBERS: Record<Role, string> = {
  projectAdmin: 'pa-user',
  maintainer: 'ma-user',
  developer: 'dev-user',
  guest: 'guest-user',
  limitedGuest: 'lg-user',
};
type Caller = Role | 'sysadmin' | 'nonMember' | 'anonymous';
interface Ids {
  member: Record<'priv' | 'other' | 'pub', number>;
}

describe('multi-tenancy: projects, members, roles and tokens (auth + api + registry booted)', () => {
  let dataDir: string;
  let service: RunningService;
  let base: string;
  const ids: Ids = { member: { priv: 0, other: 0, pub: 0 } };

  const headersOf = (caller: Caller): Record<string, string> => {
    if (caller === 'anonymous') return {};
    if (caller === 'sysadmin') return { authorization: basic('admin', ADMIN_PASSWORD) };
    const user = caller === 'nonMember' ? 'outsider' : MEMBERS[caller];
    return { authorization: basic(user, PASSWORD) };
  };
  const api = (caller: Caller, method: string, p: string, body?: unknown): Promise<Response> =>
    fetch(`${base}/api/v2.0${p}`, {
      method,
      headers: {
        ...headersOf(caller),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const tokenFor = async (caller: Caller, scope: string): Promise<string> => {
    const res = await fetch(
      `${base}/service/token?service=berth-registry&scope=${encodeURIComponent(scope)}`,
      { headers: headersOf(caller) },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };

  beforeAll(async () => {
    ({ service, base, dataDir } = await startTestBerth('berth-tenancy-', ADMIN_PASSWORD));
    const createUser = service.app.get(CreateUserUseCase);
    for (const username of [...Object.values(MEMBERS), 'outsider'])
      await createUser.execute(ADMIN, {
        username,
        email: `${username}@example.test`,
        password: PASSWORD,
      });

    for (const [name, isPublic] of [
      ['priv', false],
      ['other', false],
      ['pub', true],
    ] as const) {
      const res = await api('sysadmin', 'POST', '/projects', {
        project_name: name,
        metadata: { public: String(isPublic) },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toMatch(/^\/api\/v2\.0\/projects\/\d+$/);
    }
    for (const [role, username] of Object.entries(MEMBERS)) {
      const res = await api('sysadmin', 'POST', '/projects/priv/members', {
        role_id: ROLE_ID[role as Role],
        member_user: { username },
      });
      expect(res.status).toBe(201);
    }
    expect(
      (
        await api('sysadmin', 'POST', '/projects/other/members', {
          role_id: 3,
          member_user: { username: 'outsider' },
        })
      ).status,
    ).toBe(201);
    for (const t of ['priv', 'other', 'pub'] as const) {
      const members = (await (
        await api('sysadmin', 'GET', `/projects/${t}/members`)
      ).json()) as Array<{
        id: number;
        entity_name: string;
      }>;
      ids.member[t] = members.find((m) => m.entity_name === 'admin')!.id;
    }
  });
  afterAll(async () => {
    await service?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates projects with Harbor’s fields, the creator as project admin', async () => {
    const res = await api('sysadmin', 'GET', '/projects/priv');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      name: 'priv',
      owner_id: 1,
      owner_name: 'admin',
      repo_count: 0,
      metadata: { public: 'false' },
      current_user_role_id: 1,
      current_user_role_ids: [1],
    });
    const byId = await api('sysadmin', 'GET', `/projects/${String(body.project_id)}`);
    expect(((await byId.json()) as { name: string }).name).toBe('priv');
    const summary = await (await api('projectAdmin', 'GET', '/projects/priv/summary')).json();
    expect(summary).toEqual({
      repo_count: 0,
      project_admin_count: 2,
      maintainer_count: 1,
      developer_count: 1,
      guest_count: 1,
      limited_guest_count: 1,
    });
  });

  it('refuses a duplicate (409), a bad name (400) and anonymous creation (401)', async () => {
    expect((await api('developer', 'POST', '/projects', { project_name: 'priv' })).status).toBe(
      409,
    );
    expect((await api('developer', 'POST', '/projects', { project_name: 'Bad_Name' })).status).toBe(
      400,
    );
    expect((await api('anonymous', 'POST', '/projects', { project_name: 'anon' })).status).toBe(
      401,
    );
  });

  it('answers HEAD ?project_name= with 200 when taken, 404 when free', async () => {
    const head = (name: string): Promise<Response> =>
      fetch(`${base}/api/v2.0/projects?project_name=${name}`, {
        method: 'HEAD',
        headers: headersOf('guest'),
      });
    expect((await head('priv')).status).toBe(200);
    expect((await head('free-name')).status).toBe(404);
  });

  it('lists public projects and the caller’s own; all for a system admin', async () => {
    const names = async (caller: Caller, query = ''): Promise<string[]> =>
      ((await (await api(caller, 'GET', `/projects${query}`)).json()) as Array<{ name: string }>)
        .map((p) => p.name)
        .sort();
    expect(await names('sysadmin')).toEqual(['library', 'other', 'priv', 'pub']);
    expect(await names('guest')).toEqual(['priv', 'pub']);
    expect(await names('nonMember')).toEqual(['other', 'pub']);
    expect(await names('anonymous')).toEqual(['pub']);
    expect(await names('sysadmin', '?public=true')).toEqual(['pub']);
    expect(await names('sysadmin', '?name=ri')).toEqual(['priv']);
    expect(await names('sysadmin', '?owner=admin&q=name%3D~r')).toEqual([
      'library',
      'other',
      'priv',
    ]);
    const page = await api('sysadmin', 'GET', '/projects?page=1&page_size=2');
    expect(page.headers.get('x-total-count')).toBe('4');
  });

  it('answers a member id of another project with 404 (no IDOR)', async () => {
    const foreign = ids.member.other;
    expect((await api('projectAdmin', 'GET', `/projects/priv/members/${foreign}`)).status).toBe(
      404,
    );
    expect(
      (await api('projectAdmin', 'PUT', `/projects/priv/members/${foreign}`, { role_id: 5 }))
        .status,
    ).toBe(404);
    expect((await api('projectAdmin', 'DELETE', `/projects/priv/members/${foreign}`)).status).toBe(
      404,
    );
    const still = (await (
      await api('sysadmin', 'GET', `/projects/other/members/${foreign}`)
    ).json()) as {
      role_id: number;
    };
    expect(still.role_id).toBe(1);
  });

  it('lets a project admin manage members and metadata end to end', async () => {
    const add = await api('projectAdmin', 'POST', '/projects/priv/members', {
      role_id: 3,
      member_user: { username: 'outsider' },
    });
    expect(add.status).toBe(201);
    const location = add.headers.get('location')!;
    const mid = Number(location.split('/').pop());
    expect(
      await (await api('projectAdmin', 'GET', `/projects/priv/members/${mid}`)).json(),
    ).toEqual({
      id: mid,
      project_id: expect.any(Number),
      entity_name: 'outsider',
      entity_type: 'u',
      entity_id: expect.any(Number),
      role_id: 3,
      role_name: 'guest',
    });
    expect(
      (
        await api('projectAdmin', 'POST', '/projects/priv/members', {
          role_id: 2,
          member_user: { username: 'outsider' },
        })
      ).status,
    ).toBe(409);
    expect(
      (await api('projectAdmin', 'PUT', `/projects/priv/members/${mid}`, { role_id: 2 })).status,
    ).toBe(200);
    expect((await api('projectAdmin', 'DELETE', `/projects/priv/members/${mid}`)).status).toBe(200);
    expect((await api('projectAdmin', 'GET', `/projects/priv/members/${mid}`)).status).toBe(404);

    expect(
      (await api('projectAdmin', 'POST', '/projects/priv/metadatas', { severity: 'high' })).status,
    ).toBe(200);
    expect(await (await api('guest', 'GET', '/projects/priv/metadatas/severity')).json()).toEqual({
      severity: 'high',
    });
    expect((await api('projectAdmin', 'DELETE', '/projects/priv/metadatas/severity')).status).toBe(
      200,
    );
  });

  describe('registry tokens carry exactly what the role allows', () => {
    it('gives anonymous callers and non-members pull on a public project, and no catalog', async () => {
      for (const caller of ['anonymous', 'nonMember'] as const) {
        const claims = claimsOf(
          await tokenFor(caller, 'repository:pub/app:pull,push,delete registry:catalog:*'),
        );
        expect(claims.access).toEqual([{ type: 'repository', name: 'pub/app', actions: ['pull'] }]);
      }
    });

    it('grants a push on a missing project to no one but a system admin', async () => {
      expect(claimsOf(await tokenFor('projectAdmin', 'repository:nope/app:push')).access).toEqual(
        [],
      );
      expect(claimsOf(await tokenFor('sysadmin', 'repository:nope/app:push')).access).toHaveLength(
        1,
      );
    });
  });

  describe('the registry enforces the grants', () => {
    const v2 = (
      token: string,
      method: string,
      p: string,
      init: RequestInit = {},
    ): Promise<Response> =>
      fetch(`${base}/v2/${p}`, {
        ...init,
        method,
        headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
      });

    it('takes a developer’s blob upload and refuses a guest’s', async () => {
      const dev = await tokenFor('developer', 'repository:priv/app:pull,push');
      expect((await v2(dev, 'POST', 'priv/app/blobs/uploads/')).status).toBe(202);
      const guest = await tokenFor('guest', 'repository:priv/app:pull,push');
      const refused = await v2(guest, 'POST', 'priv/app/blobs/uploads/');
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('insufficient_scope');
    });

    it('serves a public project’s manifest to anonymous callers; its project cannot be deleted', async () => {
      const admin = await tokenFor('sysadmin', 'repository:pub/app:pull,push');
      const config = Buffer.from('{}');
      const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
      const put = await v2(admin, 'POST', `pub/app/blobs/uploads/?digest=${configDigest}`, {
        headers: { 'content-type': 'application/octet-stream' },
        body: config,
      });
      expect(put.status).toBe(201);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configDigest,
          size: config.length,
        },
        layers: [],
      });
      const pushed = await v2(admin, 'PUT', 'pub/app/manifests/v1', {
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        body: manifest,
      });
      expect(pushed.status).toBe(201);

      const anonymous = await tokenFor('anonymous', 'repository:pub/app:pull');
      const pulled = await v2(anonymous, 'GET', 'pub/app/manifests/v1', {
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      expect(pulled.status).toBe(200);
      expect(await pulled.text()).toBe(manifest);

      expect((await api('sysadmin', 'GET', '/projects/pub/summary')).status).toBe(200);
      expect(
        ((await (await api('sysadmin', 'GET', '/projects/pub')).json()) as { repo_count: number })
          .repo_count,
      ).toBe(1);
      const refused = await api('sysadmin', 'DELETE', '/projects/pub');
      expect(refused.status).toBe(412);
      expect(((await refused.json()) as { errors: Array<{ code: string }> }).errors[0].code).toBe(
        'PRECONDITION',
      );
    });
  });

  it('deletes an empty project for its project admin only, freeing the name', async () => {
    expect((await api('developer', 'POST', '/projects', { project_name: 'scratch' })).status).toBe(
      201,
    );
    expect((await api('guest', 'DELETE', '/projects/scratch')).status).toBe(403);
    expect((await api('developer', 'DELETE', '/projects/scratch')).status).toBe(200);
    expect((await api('developer', 'GET', '/projects/scratch')).status).toBe(404);
    expect((await api('developer', 'POST', '/projects', { project_name: 'scratch' })).status).toBe(
      201,
    );
  });
});
