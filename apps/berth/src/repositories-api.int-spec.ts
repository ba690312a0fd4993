import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateUserUseCase, type UserPrincipal } from '@berth/identity/domain';
import type { RunningService } from '@berth/platform/runtime';
import { DataSource } from 'typeorm';
import { startTestBerth } from './testing/test-berth';

const ADMIN_PASSWORD = 'correct-horse-battery';
const PASSWORD = 'Tenant-Passw0rd';
const ADMIN: UserPrincipal = { kind: 'user', id: 1, username: 'admin', sysadmin: true };
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const sha = (b: Buffer | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;

type Role = 'projectAdmin' | 'maintainer' | 'developer' | 'guest' | 'limitedGuest';
const ROLE_ID: Record<Role, number> = {
  projectAdmin: 1,
  developer: 2,
  guest: 3,
  maintainer: 4,
  limitedGuest: 5,
};
const MEMBERS: Record<Role, string> = {
  projectAdmin: 'r-pa',
  maintainer: 'r-ma',
  developer: 'r-dev',
  guest: 'r-guest',
  limitedGuest: 'r-lg',
};
type Caller = Role | 'sysadmin' | 'nonMember' | 'anonymous';
/** `priv` private with every role; `other` private (nonMember is its guest); `pub` public. */
type Target = 'priv' | 'other' | 'pub';
const TARGETS: Target[] = ['priv', 'other', 'pub'];

interface Pushed {
  index: string;
  images: string[];
}

describe('Harbor repositories, artifacts, tags and search (registry + auth + api booted)', () => {
  let dataDir: string;
  let service: RunningService;
  let base: string;
  const pushed = {} as Record<Target, Pushed>;

  const headersOf = (caller: Caller): Record<string, string> => {
    if (caller === 'anonymous') return {};
    if (caller === 'sysadmin') return { authorization: basic('admin', ADMIN_PASSWORD) };
    return {
      authorization: basic(caller === 'nonMember' ? 'r-outsider' : MEMBERS[caller], PASSWORD),
    };
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
  const json = async <T>(res: Response): Promise<T> => {
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const v2 = async (
    repo: string,
    method: string,
    p: string,
    init: { headers?: Record<string, string>; body?: Buffer | string } = {},
  ): Promise<Response> => {
    const scope = encodeURIComponent(`repository:${repo}:pull,push,delete`);
    const tokenRes = await fetch(`${base}/service/token?service=berth-registry&scope=${scope}`, {
      headers: headersOf('sysadmin'),
    });
    const { token } = (await tokenRes.json()) as { token: string };
    return fetch(`${base}/v2/${repo}/${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
      body: init.body,
    });
  };
  const putBlob = async (repo: string, data: Buffer): Promise<string> => {
    const digest = sha(data);
    const res = await v2(repo, 'POST', `blobs/uploads/?digest=${digest}`, {
      headers: { 'content-type': 'application/octet-stream' },
      body: data,
    });
    expect(res.status).toBe(201);
    return digest;
  };
  const putManifest = async (
    repo: string,
    ref: string,
    mediaType: string,
    body: string,
  ): Promise<string> => {
    const res = await v2(repo, 'PUT', `manifests/${ref}`, {
      headers: { 'content-type': mediaType },
      body,
    });
    expect(res.status).toBe(201);
    return sha(body);
  };
  /** An index over two image manifests, tagged v1, pushed into `repo`. */
  const pushIndex = async (repo: string): Promise<Pushed> => {
    const images: string[] = [];
    const descriptors: unknown[] = [];
    for (const arch of ['amd64', 'arm64']) {
      const config = Buffer.from(
        JSON.stringify({ architecture: arch, os: 'linux', nonce: Math.random() }),
      );
      const layer = Buffer.from(`layer ${arch} ${Math.random()}`);
      const configDigest = await putBlob(repo, config);
      const layerDigest = await putBlob(repo, layer);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configDigest,
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: layerDigest,
            size: layer.length,
          },
        ],
      });
      const digest = await putManifest(repo, sha(manifest), OCI_MANIFEST, manifest);
      images.push(digest);
      descriptors.push({
        mediaType: OCI_MANIFEST,
        digest,
        size: manifest.length,
        platform: { architecture: arch, os: 'linux' },
      });
    }
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: descriptors,
    });
    return { index: await putManifest(repo, 'v1', OCI_INDEX, index), images };
  };

  beforeAll(async () => {
    ({ service, base, dataDir } = await startTestBerth('berth-repos-', ADMIN_PASSWORD));
    const createUser = service.app.get(CreateUserUseCase);
    for (const username of [...Object.values(MEMBERS), 'r-outsider'])
      await createUser.execute(ADMIN, {
        username,
        email: `${username}@example.test`,
        password: PASSWORD,
      });
    for (const [name, isPublic] of [
      ['priv', false],
      ['other', false],
      ['pub', true],
    ] as const)
      expect(
        (
          await api('sysadmin', 'POST', '/projects', {
            project_name: name,
            metadata: { public: String(isPublic) },
          })
        ).status,
      ).toBe(201);
    for (const [role, username] of Object.entries(MEMBERS))
      expect(
        (
          await api('sysadmin', 'POST', '/projects/priv/members', {
            role_id: ROLE_ID[role as Role],
            member_user: { username },
          })
        ).status,
      ).toBe(201);
    expect(
      (
        await api('sysadmin', 'POST', '/projects/other/members', {
          role_id: 3,
          member_user: { username: 'r-outsider' },
        })
      ).status,
    ).toBe(201);
    for (const t of TARGETS) pushed[t] = await pushIndex(`${t}/app`);
  });
  afterAll(async () => {
    await service?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists repositories with Harbor’s fields, paging headers and q', async () => {
    await pushIndex('priv/team/tool');
    const res = await api(
      'guest',
      'GET',
      '/projects/priv/repositories?page=1&page_size=1&sort=name',
    );
    const rows = await json<Array<Record<string, unknown>>>(res);
    expect(res.headers.get('x-total-count')).toBe('2');
    expect(res.headers.get('link')).toContain('rel="next"');
    expect(rows).toEqual([
      {
        id: expect.any(Number),
        project_id: expect.any(Number),
        name: 'priv/app',
        description: '',
        artifact_count: 3,
        pull_count: 0,
        creation_time: expect.any(String),
        update_time: expect.any(String),
      },
    ]);
    const fuzzy = await json<Array<{ name: string }>>(
      await api('guest', 'GET', '/projects/priv/repositories?q=name%3D~tool'),
    );
    expect(fuzzy.map((r) => r.name)).toEqual(['priv/team/tool']);
    const multi = await json<{ name: string }>(
      await api('guest', 'GET', '/projects/priv/repositories/team%252Ftool'),
    );
    expect(multi.name).toBe('priv/team/tool');
  });

  it('lists artifacts: the index with its references and tags, its entries under it', async () => {
    const res = await api('guest', 'GET', '/projects/priv/repositories/app/artifacts');
    const rows = await json<Array<Record<string, unknown>>>(res);
    expect(res.headers.get('x-total-count')).toBe('1');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: 'IMAGE',
      digest: pushed.priv.index,
      media_type: OCI_INDEX,
      manifest_media_type: OCI_INDEX,
      references: pushed.priv.images.map((d) => ({
        child_digest: d,
        child_id: expect.any(Number),
        parent_id: rows[0].id,
      })),
      tags: [{ name: 'v1', immutable: false, artifact_id: rows[0].id }],
    });
    const child = await json<Record<string, unknown>>(
      await api(
        'guest',
        'GET',
        `/projects/priv/repositories/app/artifacts/${pushed.priv.images[0]}?with_tag=false`,
      ),
    );
    expect(child).toMatchObject({
      type: 'IMAGE',
      media_type: 'application/vnd.oci.image.config.v1+json',
      manifest_media_type: OCI_MANIFEST,
      tags: null,
      references: [],
    });
    const byTag = await json<{ digest: string }>(
      await api('guest', 'GET', '/projects/priv/repositories/app/artifacts/v1'),
    );
    expect(byTag.digest).toBe(pushed.priv.index);
  });

  it('counts pulls through /v2/ as the repository’s pull_count and the artifact’s pull_time', async () => {
    const repoOf = async (): Promise<{ pull_count: number }> =>
      json(await api('guest', 'GET', '/projects/pub/repositories/app'));
    const before = (await repoOf()).pull_count;
    for (let i = 0; i < 2; i++) {
      const res = await v2('pub/app', 'GET', 'manifests/v1', {
        headers: { accept: OCI_INDEX },
      });
      expect(res.status).toBe(200);
    }
    // The counters follow the registry's artifact.pulled events, a moment after the pulls.
    for (let i = 0; i < 100 && (await repoOf()).pull_count < before + 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await repoOf()).pull_count).toBe(before + 2);
    const artifact = await json<{ pull_time: string; push_time: string }>(
      await api('guest', 'GET', `/projects/pub/repositories/app/artifacts/${pushed.pub.index}`),
    );
    expect(artifact.pull_time > artifact.push_time).toBe(true);
    const other = await json<{ pull_count: number }>(
      await api('sysadmin', 'GET', '/projects/other/repositories/app'),
    );
    expect(other.pull_count).toBe(0);
  });

  it('adds and removes tags, seen by /v2 tags/list', async () => {
    const tags = async (): Promise<string[]> =>
      ((await (await v2('priv/app', 'GET', 'tags/list')).json()) as { tags: string[] }).tags;
    expect(
      (
        await api(
          'developer',
          'POST',
          `/projects/priv/repositories/app/artifacts/${pushed.priv.images[0]}/tags`,
          { name: 'amd' },
        )
      ).status,
    ).toBe(201);
    expect(await tags()).toEqual(['amd', 'v1']);
    expect(
      (
        await api(
          'developer',
          'POST',
          `/projects/priv/repositories/app/artifacts/${pushed.priv.images[1]}/tags`,
          { name: 'amd' },
        )
      ).status,
    ).toBe(409);
    expect(
      (
        await api('developer', 'POST', `/projects/priv/repositories/app/artifacts/v1/tags`, {
          name: 'Bad Tag',
        })
      ).status,
    ).toBe(400);
    const listed = await json<Array<{ name: string }>>(
      await api('guest', 'GET', `/projects/priv/repositories/app/artifacts/amd/tags`),
    );
    expect(listed.map((t) => t.name)).toEqual(['amd']);
    expect(
      (
        await api(
          'maintainer',
          'DELETE',
          `/projects/priv/repositories/app/artifacts/${pushed.priv.index}/tags/amd`,
        )
      ).status,
    ).toBe(404);
    expect(
      (await api('maintainer', 'DELETE', `/projects/priv/repositories/app/artifacts/amd/tags/amd`))
        .status,
    ).toBe(200);
    expect(await tags()).toEqual(['v1']);
    // Each change went out as an event with the change, naming the tag, digest and operator.
    const events = (
      (await service.app
        .get(DataSource)
        .query(
          "SELECT type, payload FROM outbox_event WHERE type LIKE 'tag.%' ORDER BY seq",
        )) as Array<{ type: string; payload: string }>
    ).map((e) => ({ type: e.type, data: (JSON.parse(e.payload) as { data: unknown }).data }));
    expect(events).toEqual([
      {
        type: 'tag.created',
        data: expect.objectContaining({
          repository: 'priv/app',
          digest: pushed.priv.images[0],
          tag: 'amd',
          operator: 'r-dev',
        }),
      },
      {
        type: 'tag.deleted',
        data: expect.objectContaining({ repository: 'priv/app', tag: 'amd', operator: 'r-ma' }),
      },
    ]);
  });

  it('deletes an artifact; /v2 then answers MANIFEST_UNKNOWN', async () => {
    const digest = pushed.priv.images[1];
    expect(
      (await api('maintainer', 'DELETE', `/projects/priv/repositories/app/artifacts/${digest}`))
        .status,
    ).toBe(200);
    const res = await v2('priv/app', 'GET', `manifests/${digest}`, {
      headers: { accept: OCI_MANIFEST },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { errors: Array<{ code: string }> }).errors[0].code).toBe(
      'MANIFEST_UNKNOWN',
    );
  });

  it('answers objects of another project with 404 (no IDOR)', async () => {
    const foreign = pushed.other.index;
    expect(
      (await api('projectAdmin', 'GET', `/projects/priv/repositories/app/artifacts/${foreign}`))
        .status,
    ).toBe(404);
    expect(
      (await api('projectAdmin', 'DELETE', `/projects/priv/repositories/app/artifacts/${foreign}`))
        .status,
    ).toBe(404);
    expect(
      (
        await api(
          'projectAdmin',
          'POST',
          `/projects/priv/repositories/app/artifacts/${foreign}/tags`,
          { name: 'x' },
        )
      ).status,
    ).toBe(404);
    expect(
      (await api('projectAdmin', 'GET', '/projects/priv/repositories/other%252Fapp')).status,
    ).toBe(404);
    expect(
      (await api('sysadmin', 'GET', `/projects/other/repositories/app/artifacts/${foreign}`))
        .status,
    ).toBe(200);
  });

  it('searches only what the caller may see', async () => {
    const search = async (
      caller: Caller,
    ): Promise<{ project: Array<{ name: string }>; repository: Array<Record<string, unknown>> }> =>
      json(await api(caller, 'GET', '/search?q=app'));
    expect((await search('anonymous')).repository.map((r) => r.repository_name)).toEqual([
      'pub/app',
    ]);
    expect((await search('guest')).repository.map((r) => r.repository_name).sort()).toEqual([
      'priv/app',
      'pub/app',
    ]);
    expect((await search('sysadmin')).repository).toContainEqual({
      project_id: expect.any(Number),
      project_name: 'other',
      project_public: false,
      repository_name: 'other/app',
      pull_count: 0,
      artifact_count: 3,
    });
    const projects = await json<{ project: Array<{ name: string }> }>(
      await api('nonMember', 'GET', '/search?q=o'),
    );
    expect(projects.project.map((p) => p.name).sort()).toEqual(['other']);
    expect((await api('guest', 'GET', '/search')).status).toBe(400);
  });

  it('deletes a repository with its artifacts (maintainer), not for a developer', async () => {
    expect(
      (await api('developer', 'DELETE', '/projects/priv/repositories/team%252Ftool')).status,
    ).toBe(403);
    expect(
      (await api('maintainer', 'DELETE', '/projects/priv/repositories/team%252Ftool')).status,
    ).toBe(200);
    expect(
      (await api('maintainer', 'GET', '/projects/priv/repositories/team%252Ftool')).status,
    ).toBe(404);
    const res = await v2('priv/team/tool', 'GET', 'tags/list');
    expect(res.status).toBe(404);
  });
});
