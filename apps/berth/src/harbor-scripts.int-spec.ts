import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaViolations, type OpenApiSchema } from '@berth/api/domain';
import type { RunningService } from '@berth/platform/runtime';
import { startTestBerth } from './testing/test-berth';

/*
 * A script written against Harbor's v2.0 swagger, run against Berth: requests shaped as the
 * swagger describes them (paths, bodies, headers), answers held to the swagger's models. The
 * models below list Harbor's field names and types; `additionalProperties: false` means Berth
 * sends no field Harbor's model lacks, `required` the fields Harbor always sends.
 */

const ADMIN_PASSWORD = 'Harbor12345-berth';
const DEV_PASSWORD = 'Script-Passw0rd';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const sha = (b: Buffer | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;
const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

const str: OpenApiSchema = { type: 'string' };
const int: OpenApiSchema = { type: 'integer' };
const bool: OpenApiSchema = { type: 'boolean' };
const time: OpenApiSchema = { type: 'string', format: 'date-time' };
const strMap: OpenApiSchema = { type: 'object', additionalProperties: str };
const model = (
  properties: Record<string, OpenApiSchema>,
  required: string[] = [],
): OpenApiSchema => ({ type: 'object', additionalProperties: false, properties, required });
const list = (items: OpenApiSchema): OpenApiSchema => ({ type: 'array', items });

const HARBOR: Record<string, OpenApiSchema> = {
  Errors: model({ errors: list(model({ code: str, message: str }, ['code', 'message'])) }, [
    'errors',
  ]),
  OverallHealthStatus: model(
    { status: str, components: list(model({ name: str, status: str, error: str })) },
    ['status', 'components'],
  ),
  GeneralInfo: model(
    {
      banner_message: str,
      current_time: time,
      registry_url: str,
      external_url: str,
      auth_mode: str,
      primary_auth_mode: bool,
      project_creation_restriction: str,
      self_registration: bool,
      has_ca_root: bool,
      harbor_version: str,
      registry_storage_provider_name: str,
      read_only: bool,
      with_chartmuseum: bool,
      notification_enable: bool,
    },
    ['registry_url', 'external_url', 'auth_mode', 'harbor_version', 'current_time'],
  ),
  UserResp: model(
    {
      email: str,
      realname: str,
      comment: str,
      user_id: int,
      username: str,
      sysadmin_flag: bool,
      admin_role_in_auth: bool,
      creation_time: time,
      update_time: time,
    },
    ['user_id', 'username', 'sysadmin_flag', 'admin_role_in_auth', 'creation_time'],
  ),
  UserSearchRespItem: model({ user_id: int, username: str }, ['user_id', 'username']),
  Project: model(
    {
      project_id: int,
      owner_id: int,
      name: str,
      registry_id: int,
      creation_time: time,
      update_time: time,
      deleted: bool,
      owner_name: str,
      togglable: bool,
      current_user_role_id: int,
      current_user_role_ids: list(int),
      repo_count: int,
      metadata: strMap,
      cve_allowlist: { type: 'object' },
    },
    ['project_id', 'owner_id', 'name', 'creation_time', 'update_time', 'repo_count', 'metadata'],
  ),
  ProjectSummary: model(
    {
      repo_count: int,
      project_admin_count: int,
      maintainer_count: int,
      developer_count: int,
      guest_count: int,
      limited_guest_count: int,
      quota: { type: 'object' },
      registry: { type: 'object' },
    },
    ['repo_count'],
  ),
  ProjectMemberEntity: model(
    {
      id: int,
      project_id: int,
      entity_name: str,
      role_name: str,
      role_id: int,
      entity_id: int,
      entity_type: str,
    },
    ['id', 'project_id', 'entity_name', 'role_name', 'role_id', 'entity_id', 'entity_type'],
  ),
  Repository: model(
    {
      id: int,
      project_id: int,
      name: str,
      description: str,
      artifact_count: int,
      pull_count: int,
      creation_time: time,
      update_time: time,
    },
    ['id', 'project_id', 'name', 'artifact_count', 'pull_count', 'creation_time', 'update_time'],
  ),
  Tag: model(
    {
      id: int,
      repository_id: int,
      artifact_id: int,
      name: str,
      push_time: time,
      pull_time: time,
      immutable: bool,
    },
    ['repository_id', 'artifact_id', 'name', 'push_time', 'pull_time', 'immutable'],
  ),
  Artifact: model(
    {
      id: int,
      type: str,
      media_type: str,
      manifest_media_type: str,
      artifact_type: str,
      project_id: int,
      repository_id: int,
      repository_name: str,
      digest: str,
      size: int,
      icon: str,
      push_time: time,
      pull_time: time,
      extra_attrs: { type: 'object' },
      annotations: strMap,
      references: list(
        model(
          {
            parent_id: int,
            child_id: int,
            child_digest: str,
            platform: { type: 'object' },
            annotations: strMap,
            urls: list(str),
          },
          ['parent_id', 'child_id', 'child_digest'],
        ),
      ),
      // Harbor leaves tags out without with_tag; Berth answers null there.
      tags: { ...list({ $ref: '#/components/schemas/Tag' }), nullable: true },
      addition_links: { type: 'object' },
      labels: list({ type: 'object' }),
      accessories: list({ type: 'object' }),
    },
    [
      'id',
      'type',
      'media_type',
      'manifest_media_type',
      'project_id',
      'repository_id',
      'repository_name',
      'digest',
      'size',
      'push_time',
      'pull_time',
    ],
  ),
  Search: model(
    {
      project: list({ $ref: '#/components/schemas/Project' }),
      repository: list(
        model(
          {
            project_id: int,
            project_name: str,
            project_public: bool,
            repository_name: str,
            pull_count: int,
            artifact_count: int,
          },
          ['project_id', 'project_name', 'project_public', 'repository_name'],
        ),
      ),
    },
    ['project', 'repository'],
  ),
  RobotPermission: model(
    {
      kind: str,
      namespace: str,
      access: list(model({ resource: str, action: str, effect: str }, ['resource', 'action'])),
      // Beyond Harbor: a repository glob within the project, sent only when set.
      repository: str,
    },
    ['kind', 'namespace', 'access'],
  ),
  Robot: model(
    {
      id: int,
      name: str,
      description: str,
      level: str,
      duration: int,
      editable: bool,
      disable: bool,
      expires_at: int,
      permissions: list({ $ref: '#/components/schemas/RobotPermission' }),
      creator_type: str,
      creator_ref: int,
      creation_time: time,
      update_time: time,
    },
    ['id', 'name', 'level', 'duration', 'disable', 'expires_at', 'permissions'],
  ),
  RobotCreated: model({ id: int, name: str, secret: str, creation_time: time, expires_at: int }, [
    'id',
    'name',
    'secret',
    'creation_time',
    'expires_at',
  ]),
  RobotSec: model({ secret: str }, ['secret']),
};

const violations = (body: unknown, name: string): string[] =>
  schemaViolations(body, { $ref: `#/components/schemas/${name}` }, HARBOR);
const arrayViolations = (body: unknown, name: string): string[] =>
  schemaViolations(body, list({ $ref: `#/components/schemas/${name}` }), HARBOR);

interface Call {
  auth?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

describe('a script written for Harbor’s v2.0 API, run against Berth', () => {
  let dataDir: string;
  let service: RunningService;
  let base: string;
  const admin = (): string => basic('admin', ADMIN_PASSWORD);

  /**
   * One request as a client generated from Harbor's swagger sends it: the swagger's global
   * `consumes` makes it say `Content-Type: application/json` on every request, bodiless ones too.
   */
  const harbor = (method: string, path: string, call: Call = {}): Promise<Response> =>
    fetch(`${base}/api/v2.0${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(call.auth !== null && { authorization: call.auth ?? admin() }),
        'content-type': 'application/json',
        ...call.headers,
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });

  /** Status, Harbor's X-Request-Id, and the body held to a swagger model (or its array). */
  const expectAnswer = async <T>(
    res: Response,
    status: number,
    shape?: string | [string],
  ): Promise<T> => {
    const text = await res.text();
    expect(res.status, `${res.url} answered ${text}`).toBe(status);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    if (shape === undefined) return (text === '' ? undefined : JSON.parse(text)) as T;
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(text) as unknown;
    expect(
      Array.isArray(shape) ? arrayViolations(body, shape[0]) : violations(body, shape),
    ).toEqual([]);
    return body as T;
  };
  const expectError = async (res: Response, status: number, code: string): Promise<void> => {
    const body = await expectAnswer<{ errors: Array<{ code: string }> }>(res, status, 'Errors');
    expect(body.errors[0].code).toBe(code);
  };
  /** A path relative to /api/v2.0 from a Location header. */
  const located = (res: Response): string => {
    const location = res.headers.get('location');
    expect(location).toMatch(/^\/api\/v2\.0\//);
    return location!.replace(/^\/api\/v2\.0/, '');
  };

  const registry = async (
    auth: string,
    repo: string,
    method: string,
    p: string,
    init: { headers?: Record<string, string>; body?: Buffer | string } = {},
  ): Promise<Response> => {
    const scope = encodeURIComponent(`repository:${repo}:pull,push`);
    const tokenRes = await fetch(`${base}/service/token?service=berth-registry&scope=${scope}`, {
      headers: { authorization: auth },
    });
    expect(tokenRes.status).toBe(200);
    const { token } = (await tokenRes.json()) as { token: string };
    return fetch(`${base}/v2/${repo}/${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
      body: init.body,
    });
  };
  const pushBlob = async (repo: string, data: Buffer): Promise<string> => {
    const digest = sha(data);
    const res = await registry(admin(), repo, 'POST', `blobs/uploads/?digest=${digest}`, {
      headers: { 'content-type': 'application/octet-stream' },
      body: data,
    });
    expect(res.status).toBe(201);
    return digest;
  };
  const pushManifest = async (repo: string, ref: string, type: string, body: string) => {
    const res = await registry(admin(), repo, 'PUT', `manifests/${ref}`, {
      headers: { 'content-type': type },
      body,
    });
    expect(res.status).toBe(201);
    return sha(body);
  };
  /** An image for `arch`, pushed by digest; returns its digest and manifest size. */
  const pushImage = async (repo: string, arch: string, tag?: string) => {
    const config = Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', rootfs: {} }));
    const layer = Buffer.from(`layer of ${repo} for ${arch}`);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: await pushBlob(repo, config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: await pushBlob(repo, layer),
          size: layer.length,
        },
      ],
    });
    const digest = await pushManifest(repo, tag ?? sha(manifest), OCI_MANIFEST, manifest);
    return { digest, size: Buffer.byteLength(manifest) };
  };

  let devId: number;
  let projectId: number;
  const images: { amd64: string; arm64: string; index: string; tool: string } = {
    amd64: '',
    arm64: '',
    index: '',
    tool: '',
  };

  beforeAll(async () => {
    ({ service, base, dataDir } = await startTestBerth('berth-harbor-scripts-', ADMIN_PASSWORD));
  });
  afterAll(async () => {
    await service?.app.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('pings, reports health and system info without credentials', async () => {
    const ping = await harbor('GET', '/ping', { auth: null });
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe('Pong');

    const health = await expectAnswer<{ status: string }>(
      await harbor('GET', '/health', { auth: null }),
      200,
      'OverallHealthStatus',
    );
    expect(health.status).toBe('healthy');

    const info = await expectAnswer<{ auth_mode: string; harbor_version: string }>(
      await harbor('GET', '/systeminfo', { auth: null }),
      200,
      'GeneralInfo',
    );
    expect(info.auth_mode).toBe('db_auth');
  });

  it('echoes the caller’s X-Request-Id, on answers and on errors', async () => {
    const ok = await harbor('GET', '/systeminfo', { headers: { 'X-Request-Id': 'script-42' } });
    expect(ok.headers.get('x-request-id')).toBe('script-42');
    const missing = await harbor('GET', '/projects/no-such-project', {
      headers: { 'X-Request-Id': 'script-43', 'X-Is-Resource-Name': 'true' },
    });
    expect(missing.headers.get('x-request-id')).toBe('script-43');
    await expectError(missing, 404, 'NOT_FOUND');
  });

  it('manages users: create, read, search, page, password, sysadmin and CLI secret', async () => {
    const created = await harbor('POST', '/users', {
      body: {
        username: 'script-dev',
        email: 'script-dev@example.test',
        realname: 'Script Developer',
        password: DEV_PASSWORD,
        comment: 'made by a script',
      },
    });
    await expectAnswer(created, 201);
    const userPath = located(created);
    expect(userPath).toMatch(/^\/users\/\d+$/);
    devId = Number(userPath.split('/').pop());

    const user = await expectAnswer<{ username: string; email: string; sysadmin_flag: boolean }>(
      await harbor('GET', userPath),
      200,
      'UserResp',
    );
    expect(user).toMatchObject({
      username: 'script-dev',
      email: 'script-dev@example.test',
      sysadmin_flag: false,
    });

    await expectError(await harbor('GET', '/users/current', { auth: null }), 401, 'UNAUTHORIZED');
    const dev = basic('script-dev', DEV_PASSWORD);
    const current = await expectAnswer<{ user_id: number }>(
      await harbor('GET', '/users/current', { auth: dev }),
      200,
      'UserResp',
    );
    expect(current.user_id).toBe(devId);

    const search = await harbor('GET', '/users/search?username=script&page=1&page_size=10');
    const found = await expectAnswer<Array<{ username: string }>>(search, 200, [
      'UserSearchRespItem',
    ]);
    expect(found.map((u) => u.username)).toEqual(['script-dev']);
    expect(search.headers.get('x-total-count')).toBe('1');

    const page = await harbor('GET', '/users?page=1&page_size=1&sort=username');
    const users = await expectAnswer<unknown[]>(page, 200, ['UserResp']);
    expect(users).toHaveLength(1);
    expect(page.headers.get('x-total-count')).toBe('2');
    expect(page.headers.get('link')).toBe(
      '</api/v2.0/users?page=2&page_size=1&sort=username>; rel="next"',
    );

    await expectAnswer(
      await harbor('PUT', `/users/${devId}`, {
        auth: dev,
        body: { email: 'dev@example.test', realname: 'Dev', comment: 'renamed' },
      }),
      200,
    );
    await expectAnswer(
      await harbor('PUT', `/users/${devId}/password`, {
        auth: dev,
        body: { old_password: DEV_PASSWORD, new_password: `${DEV_PASSWORD}-2` },
      }),
      200,
    );
    await expectError(await harbor('GET', '/users/current', { auth: dev }), 401, 'UNAUTHORIZED');
    await expectAnswer(
      await harbor('PUT', `/users/${devId}/password`, {
        body: { new_password: DEV_PASSWORD },
      }),
      200,
    );

    await expectAnswer(
      await harbor('PUT', `/users/${devId}/sysadmin`, { body: { sysadmin_flag: true } }),
      200,
    );
    expect(
      (await expectAnswer<{ sysadmin_flag: boolean }>(await harbor('GET', userPath), 200))
        .sysadmin_flag,
    ).toBe(true);
    await expectAnswer(
      await harbor('PUT', `/users/${devId}/sysadmin`, { body: { sysadmin_flag: false } }),
      200,
    );

    await expectAnswer(
      await harbor('PUT', `/users/${devId}/cli_secret`, {
        auth: dev,
        body: { secret: 'Cli-Secret-0f-Dev' },
      }),
      200,
    );
    await expectAnswer(
      await harbor('GET', '/users/current', { auth: basic('script-dev', 'Cli-Secret-0f-Dev') }),
      200,
      'UserResp',
    );
  });

  it('creates a project, checks its name with HEAD and reads it by name and by id', async () => {
    const head = (name: string): Promise<Response> =>
      harbor('HEAD', `/projects?project_name=${name}`);
    expect((await head('scripts')).status).toBe(404);

    const created = await harbor('POST', '/projects', {
      body: {
        project_name: 'scripts',
        public: false,
        metadata: { public: 'false', auto_scan: 'false' },
        storage_limit: -1,
      },
    });
    await expectAnswer(created, 201);
    const projectPath = located(created);
    expect(projectPath).toMatch(/^\/projects\/\d+$/);
    projectId = Number(projectPath.split('/').pop());
    expect((await head('scripts')).status).toBe(200);

    // Harbor's X-Resource-Name-In-Location: the Location names the project instead; the
    // deprecated top-level `public` still makes a public project.
    const named = await harbor('POST', '/projects', {
      body: { project_name: 'scripts-named', public: true },
      headers: { 'X-Resource-Name-In-Location': 'true' },
    });
    await expectAnswer(named, 201);
    expect(named.headers.get('location')).toBe('/api/v2.0/projects/scripts-named');
    const publicOne = await expectAnswer<{ metadata: Record<string, string> }>(
      await harbor('GET', '/projects/scripts-named', { auth: null }),
      200,
      'Project',
    );
    expect(publicOne.metadata.public).toBe('true');

    const byId = await expectAnswer<{ name: string; project_id: number }>(
      await harbor('GET', projectPath),
      200,
      'Project',
    );
    const byName = await expectAnswer<{ name: string; project_id: number }>(
      await harbor('GET', '/projects/scripts', { headers: { 'X-Is-Resource-Name': 'true' } }),
      200,
      'Project',
    );
    expect(byName).toEqual(byId);
    expect(byName).toMatchObject({ name: 'scripts', project_id: projectId });

    const listed = await harbor('GET', '/projects?name=scripts&page=1&page_size=1&sort=name');
    const projects = await expectAnswer<Array<{ name: string }>>(listed, 200, ['Project']);
    expect(projects.map((p) => p.name)).toEqual(['scripts']);
    expect(listed.headers.get('x-total-count')).toBe('2');
    expect(listed.headers.get('link')).toContain('rel="next"');

    await expectAnswer(
      await harbor('PUT', '/projects/scripts', {
        headers: { 'X-Is-Resource-Name': 'true' },
        body: { metadata: { auto_scan: 'true', severity: 'high' } },
      }),
      200,
    );
    const metadata = await expectAnswer<Record<string, string>>(
      await harbor('GET', `/projects/${projectId}/metadatas/`),
      200,
    );
    expect(metadata).toMatchObject({ public: 'false', auto_scan: 'true', severity: 'high' });
  });

  it('manages project metadata and members as Harbor’s paths name them', async () => {
    const onName = { 'X-Is-Resource-Name': 'true' };
    await expectAnswer(
      await harbor('POST', '/projects/scripts/metadatas/', {
        headers: onName,
        body: { prevent_vul: 'true' },
      }),
      200,
    );
    expect(
      await expectAnswer(
        await harbor('GET', '/projects/scripts/metadatas/prevent_vul', { headers: onName }),
        200,
      ),
    ).toEqual({ prevent_vul: 'true' });
    await expectAnswer(
      await harbor('PUT', '/projects/scripts/metadatas/prevent_vul', {
        headers: onName,
        body: { prevent_vul: 'false' },
      }),
      200,
    );
    await expectAnswer(
      await harbor('DELETE', '/projects/scripts/metadatas/prevent_vul', { headers: onName }),
      200,
    );

    const added = await harbor('POST', '/projects/scripts/members', {
      headers: onName,
      body: { role_id: 2, member_user: { username: 'script-dev' } },
    });
    await expectAnswer(added, 201);
    const memberPath = located(added);
    expect(memberPath).toMatch(/^\/projects\/scripts\/members\/\d+$/);

    const members = await harbor('GET', '/projects/scripts/members?entityname=script&page=1', {
      headers: onName,
    });
    const rows = await expectAnswer<Array<{ entity_name: string; role_name: string }>>(
      members,
      200,
      ['ProjectMemberEntity'],
    );
    expect(rows.map((m) => [m.entity_name, m.role_name])).toEqual([['script-dev', 'developer']]);
    expect(members.headers.get('x-total-count')).toBe('1');

    await expectAnswer(
      await harbor('PUT', memberPath, { headers: onName, body: { role_id: 4 } }),
      200,
    );
    const member = await expectAnswer<{ role_id: number; entity_id: number }>(
      await harbor('GET', memberPath, { headers: onName }),
      200,
      'ProjectMemberEntity',
    );
    expect(member).toMatchObject({ role_id: 4, entity_id: devId });

    const summary = await expectAnswer<{ repo_count: number; maintainer_count: number }>(
      await harbor('GET', '/projects/scripts/summary', { headers: onName }),
      200,
      'ProjectSummary',
    );
    expect(summary).toMatchObject({ repo_count: 0, maintainer_count: 1 });
  });

  it('finds the images pushed through /v2/ as repositories and artifacts', async () => {
    const amd64 = await pushImage('scripts/app', 'amd64');
    const arm64 = await pushImage('scripts/app', 'arm64');
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, ...amd64, platform: { architecture: 'amd64', os: 'linux' } },
        { mediaType: OCI_MANIFEST, ...arm64, platform: { architecture: 'arm64', os: 'linux' } },
      ],
    });
    images.amd64 = amd64.digest;
    images.arm64 = arm64.digest;
    images.index = await pushManifest('scripts/app', 'v1', OCI_INDEX, index);
    images.tool = (await pushImage('scripts/team/tool', 'amd64', 'latest')).digest;

    const listed = await harbor('GET', '/projects/scripts/repositories?page=1&page_size=10');
    const repos = await expectAnswer<Array<{ name: string; project_id: number }>>(listed, 200, [
      'Repository',
    ]);
    expect(repos.map((r) => r.name).sort()).toEqual(['scripts/app', 'scripts/team/tool']);
    expect(repos.every((r) => r.project_id === projectId)).toBe(true);
    expect(listed.headers.get('x-total-count')).toBe('2');

    // Harbor's clients escape the "/" of a repository name twice: team/tool → team%252Ftool.
    const tool = await expectAnswer<{ name: string; artifact_count: number }>(
      await harbor('GET', '/projects/scripts/repositories/team%252Ftool'),
      200,
      'Repository',
    );
    expect(tool).toMatchObject({ name: 'scripts/team/tool', artifact_count: 1 });

    const artifacts = await harbor(
      'GET',
      '/projects/scripts/repositories/app/artifacts?with_tag=true&page=1&page_size=10',
    );
    const rows = await expectAnswer<
      Array<{
        digest: string;
        project_id: number;
        repository_id: number;
        type: string;
        references: Array<{ child_digest: string }>;
        tags: Array<{ name: string; immutable: boolean }>;
      }>
    >(artifacts, 200, ['Artifact']);
    expect(artifacts.headers.get('x-total-count')).toBe('1');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      digest: images.index,
      project_id: projectId,
      repository_name: 'scripts/app',
      type: 'IMAGE',
      manifest_media_type: OCI_INDEX,
    });
    expect(rows[0].references.map((r) => r.child_digest)).toEqual([images.amd64, images.arm64]);
    expect(rows[0].tags).toEqual([expect.objectContaining({ name: 'v1', immutable: false })]);

    const untagged = await expectAnswer<Array<{ tags?: unknown }>>(
      await harbor('GET', '/projects/scripts/repositories/app/artifacts?with_tag=false'),
      200,
      ['Artifact'],
    );
    expect(untagged[0].tags ?? null).toBeNull();

    const byTag = await expectAnswer<{ digest: string; artifact_type: string }>(
      await harbor('GET', '/projects/scripts/repositories/team%252Ftool/artifacts/latest'),
      200,
      'Artifact',
    );
    const byDigest = await expectAnswer<{ digest: string }>(
      await harbor('GET', `/projects/scripts/repositories/team%252Ftool/artifacts/${images.tool}`),
      200,
      'Artifact',
    );
    expect(byTag).toEqual(byDigest);
    expect(byTag).toMatchObject({
      digest: images.tool,
      repository_name: 'scripts/team/tool',
      artifact_type: 'application/vnd.oci.image.config.v1+json',
    });
  });

  it('filters and sorts artifacts with Harbor’s q and sort', async () => {
    // An untagged image beside the tagged one, in its own repository.
    const loose = await pushImage('scripts/filters', 'riscv64');
    const tagged = await pushImage('scripts/filters', 's390x', 'stable');
    const digests = async (query: string): Promise<string[]> =>
      (
        await expectAnswer<Array<{ digest: string }>>(
          await harbor('GET', `/projects/scripts/repositories/filters/artifacts?${query}`),
          200,
          ['Artifact'],
        )
      ).map((a) => a.digest);
    expect(await digests('q=tags%3Dnil')).toEqual([loose.digest]);
    expect(await digests('q=tags%3D*')).toEqual([tagged.digest]);
    expect(await digests('q=tags%3Dstable')).toEqual([tagged.digest]);
    expect(await digests('q=tags%3Dmissing')).toEqual([]);
    expect(await digests(`q=digest%3D${loose.digest}`)).toEqual([loose.digest]);
    expect((await digests('sort=digest')).join()).toBe([loose.digest, tagged.digest].sort().join());
    expect((await digests('sort=-digest')).join()).toBe(
      [loose.digest, tagged.digest].sort().reverse().join(),
    );
    // Harbor unescapes q once more than the query string: a "+" travels as %252B.
    expect(
      await digests(`q=media_type%3D${encodeURIComponent(encodeURIComponent(OCI_MANIFEST))}`),
    ).toHaveLength(2);
    // A field Harbor's artifacts do not filter on is refused, not ignored.
    const refused = await harbor(
      'GET',
      '/projects/scripts/repositories/filters/artifacts?q=size%3D1',
    );
    expect(refused.status).toBe(400);
    expect((await harbor('DELETE', '/projects/scripts/repositories/filters')).status).toBe(200);
  });

  it('updates a repository’s description with Harbor’s Repository body', async () => {
    const path = '/projects/scripts/repositories/team%252Ftool';
    const before = await expectAnswer<Record<string, unknown>>(
      await harbor('GET', path),
      200,
      'Repository',
    );
    // A script sends back what it read, with the description changed.
    await expectAnswer(
      await harbor('PUT', path, { body: { ...before, description: 'Tools for <scripts> & CI' } }),
      200,
    );
    const after = await expectAnswer<Record<string, unknown>>(
      await harbor('GET', path),
      200,
      'Repository',
    );
    expect(after).toEqual({
      ...before,
      description: 'Tools for <scripts> & CI',
      update_time: expect.any(String),
    });
    expect(Date.parse(String(after.update_time))).toBeGreaterThan(
      Date.parse(String(before.update_time)),
    );

    const listed = await expectAnswer<Array<{ name: string; description: string }>>(
      await harbor('GET', '/projects/scripts/repositories?q=name%3D~tool'),
      200,
      ['Repository'],
    );
    expect(listed.map((r) => [r.name, r.description])).toEqual([
      ['scripts/team/tool', 'Tools for <scripts> & CI'],
    ]);

    await expectError(await harbor('PUT', path, { body: { description: 42 } }), 400, 'BAD_REQUEST');
    await expectError(
      await harbor('PUT', '/projects/scripts/repositories/nope', { body: { description: 'x' } }),
      404,
      'NOT_FOUND',
    );
    // A project maintainer may describe the project's repositories too.
    await expectAnswer(
      await harbor('PUT', path, {
        auth: basic('script-dev', DEV_PASSWORD),
        body: { description: '' },
      }),
      200,
    );
    expect(
      (await expectAnswer<{ description: string }>(await harbor('GET', path), 200)).description,
    ).toBe('');
  });

  it('adds and removes tags, seen by the registry’s tag list', async () => {
    const tags = async (): Promise<string[]> =>
      (
        (await (await registry(admin(), 'scripts/app', 'GET', 'tags/list')).json()) as {
          tags: string[];
        }
      ).tags;
    const added = await harbor('POST', `/projects/scripts/repositories/app/artifacts/v1/tags`, {
      body: { name: 'stable' },
    });
    await expectAnswer(added, 201);
    expect(await tags()).toEqual(['stable', 'v1']);
    await expectError(
      await harbor('POST', `/projects/scripts/repositories/app/artifacts/v1/tags`, {
        body: { name: 'stable' },
      }),
      409,
      'CONFLICT',
    );

    const listed = await harbor(
      'GET',
      `/projects/scripts/repositories/app/artifacts/${images.index}/tags?page=1&page_size=1`,
    );
    const page = await expectAnswer<Array<{ name: string }>>(listed, 200, ['Tag']);
    expect(page.map((t) => t.name)).toEqual(['stable']);
    expect(listed.headers.get('x-total-count')).toBe('2');
    expect(listed.headers.get('link')).toContain('rel="next"');

    await expectAnswer(
      await harbor('DELETE', `/projects/scripts/repositories/app/artifacts/v1/tags/stable`),
      200,
    );
    expect(await tags()).toEqual(['v1']);
    await expectError(
      await harbor('DELETE', `/projects/scripts/repositories/app/artifacts/v1/tags/stable`),
      404,
      'NOT_FOUND',
    );
  });

  it('searches projects and repositories', async () => {
    const found = await expectAnswer<{
      project: Array<{ name: string }>;
      repository: Array<{ repository_name: string; project_name: string }>;
    }>(await harbor('GET', '/search?q=tool'), 200, 'Search');
    expect(found.project).toEqual([]);
    expect(found.repository).toEqual([
      expect.objectContaining({ repository_name: 'scripts/team/tool', project_name: 'scripts' }),
    ]);
    const projects = await expectAnswer<{ project: Array<{ name: string }> }>(
      await harbor('GET', '/search?q=scripts'),
      200,
      'Search',
    );
    expect(projects.project.map((p) => p.name).sort()).toEqual(['scripts', 'scripts-named']);
  });

  it('creates a project robot, shows its secret only on create and refresh, and pulls with it', async () => {
    const created = await harbor('POST', '/robots', {
      body: {
        name: 'ci',
        description: 'pulls for CI',
        level: 'project',
        duration: -1,
        disable: false,
        permissions: [
          {
            kind: 'project',
            namespace: 'scripts',
            access: [
              { resource: 'repository', action: 'pull' },
              { resource: 'artifact', action: 'list' },
            ],
          },
        ],
      },
    });
    const robot = await expectAnswer<{ id: number; name: string; secret: string }>(
      created,
      201,
      'RobotCreated',
    );
    expect(robot.name).toBe('robot$scripts+ci');
    const robotPath = located(created);
    expect(robotPath).toBe(`/robots/${robot.id}`);

    const read = await expectAnswer<Record<string, unknown>>(
      await harbor('GET', robotPath),
      200,
      'Robot',
    );
    expect(read).not.toHaveProperty('secret');
    expect(read).toMatchObject({ name: 'robot$scripts+ci', level: 'project', duration: -1 });

    // As curl sends it: q's "=" and "," left unescaped.
    const listed = await harbor('GET', `/robots?q=Level=project,ProjectID=${projectId}`);
    const robots = await expectAnswer<Array<Record<string, unknown>>>(listed, 200, ['Robot']);
    expect(robots.map((r) => r.name)).toEqual(['robot$scripts+ci']);
    expect(robots[0]).not.toHaveProperty('secret');
    expect(listed.headers.get('x-total-count')).toBe('1');

    const pull = async (secret: string): Promise<number> =>
      (
        await registry(
          basic(robot.name, secret),
          'scripts/app',
          'GET',
          `manifests/${images.index}`,
          {
            headers: { accept: OCI_INDEX },
          },
        )
      ).status;
    expect(await pull(robot.secret)).toBe(200);

    const refreshed = await expectAnswer<{ secret: string }>(
      await harbor('PATCH', robotPath, { body: { secret: '' } }),
      200,
      'RobotSec',
    );
    expect(refreshed.secret).not.toBe(robot.secret);
    expect(await pull(refreshed.secret)).toBe(200);

    // Harbor's update takes the whole Robot back.
    await expectAnswer(
      await harbor('PUT', robotPath, { body: { ...read, description: 'pulls for CD' } }),
      200,
    );
    expect(
      (await expectAnswer<{ description: string }>(await harbor('GET', robotPath), 200, 'Robot'))
        .description,
    ).toBe('pulls for CD');

    await expectAnswer(await harbor('DELETE', robotPath), 200);
    await expectError(await harbor('GET', robotPath), 404, 'NOT_FOUND');
  });

  it('takes a portal session with Harbor’s CSRF token on writes', async () => {
    const login = await fetch(`${base}/c/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ principal: 'admin', password: ADMIN_PASSWORD }).toString(),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';', 1)[0];
    expect(cookie).toMatch(/^sid=./);

    const read = await harbor('GET', '/users/current', { auth: null, headers: { cookie } });
    await expectAnswer(read, 200, 'UserResp');
    // Harbor hands the token out on any answer; a script reads it from the last one.
    const csrf = read.headers.get('x-harbor-csrf-token');
    expect(csrf).toBeTruthy();

    const update = (headers: Record<string, string>): Promise<Response> =>
      harbor('PUT', '/projects/scripts', {
        auth: null,
        headers: { cookie, 'X-Is-Resource-Name': 'true', ...headers },
        body: { metadata: { severity: 'critical' } },
      });
    await expectError(await update({}), 403, 'FORBIDDEN');
    await expectAnswer(await update({ 'X-Harbor-Csrf-Token': csrf! }), 200);
  });

  it('deletes an artifact, a repository and the project, as a cleanup script does', async () => {
    await expectAnswer(
      await harbor('DELETE', `/projects/scripts/repositories/app/artifacts/${images.index}`),
      200,
    );
    await expectError(
      await harbor('GET', `/projects/scripts/repositories/app/artifacts/v1`),
      404,
      'NOT_FOUND',
    );
    const left = await expectAnswer<Array<{ digest: string }>>(
      await harbor('GET', '/projects/scripts/repositories/app/artifacts'),
      200,
      ['Artifact'],
    );
    expect(left.map((a) => a.digest).sort()).toEqual([images.amd64, images.arm64].sort());
    // By tag, too: the reference may be either.
    await expectAnswer(
      await harbor('DELETE', '/projects/scripts/repositories/team%252Ftool/artifacts/latest'),
      200,
    );
    expect(
      (
        await expectAnswer<{ artifact_count: number }>(
          await harbor('GET', '/projects/scripts/repositories/team%252Ftool'),
          200,
          'Repository',
        )
      ).artifact_count,
    ).toBe(0);

    await expectError(
      await harbor('DELETE', '/projects/scripts', { headers: { 'X-Is-Resource-Name': 'true' } }),
      412,
      'PRECONDITION',
    );
    for (const repo of ['app', 'team%252Ftool'])
      await expectAnswer(await harbor('DELETE', `/projects/scripts/repositories/${repo}`), 200);
    await expectError(
      await harbor('GET', '/projects/scripts/repositories/team%252Ftool'),
      404,
      'NOT_FOUND',
    );
    await expectAnswer(
      await harbor('DELETE', '/projects/scripts', { headers: { 'X-Is-Resource-Name': 'true' } }),
      200,
    );
    expect((await harbor('HEAD', '/projects?project_name=scripts')).status).toBe(404);
  });
});
