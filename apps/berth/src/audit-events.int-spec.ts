import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { OutboxEventEntity } from '@berth/platform/messaging';
import type { RunningService } from '@berth/platform/runtime';
import { startTestBerth } from './testing/test-berth';

const ADMIN_PASSWORD = 'correct-horse-battery';
const BOB_PASSWORD = 'Audit-B0b-Passw0rd';
const BOB_RESET_PASSWORD = 'Audit-B0b-Res3t-Passw0rd';
const BOB_CLI_SECRET = 'Audit-B0b-Cli-Secret1';
const CLIENT = '127.0.0.1';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const sha = (b: Buffer | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Recorded {
  type: string;
  data: Record<string, unknown>;
}

describe('audit events: every change commits its event to the outbox (all-in-one booted)', () => {
  let dataDir: string;
  let service: RunningService;
  let base: string;
  let dataSource: DataSource;
  /** Every secret this spec sends or receives: none may appear in any event. */
  const secrets = [ADMIN_PASSWORD, BOB_PASSWORD, BOB_RESET_PASSWORD, BOB_CLI_SECRET];
  let bobId = 0;

  const admin = { authorization: basic('admin', ADMIN_PASSWORD) };
  const api = (
    headers: Record<string, string>,
    method: string,
    p: string,
    body?: unknown,
  ): Promise<Response> =>
    fetch(`${base}/api/v2.0${p}`, {
      method,
      headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const expectStatus = async (res: Promise<Response>, status: number): Promise<Response> => {
    const answered = await res;
    expect(answered.status, await answered.clone().text()).toBe(status);
    return answered;
  };
  const token = async (scope: string, headers: Record<string, string> = admin): Promise<string> => {
    const res = await fetch(
      `${base}/service/token?service=berth-registry&scope=${encodeURIComponent(scope)}`,
      { headers },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };
  const v2 = async (
    repo: string,
    method: string,
    p: string,
    init: { headers?: Record<string, string>; body?: Buffer | string; anonymous?: boolean } = {},
  ): Promise<Response> => {
    const scope = `repository:${repo}:${init.anonymous ? 'pull' : 'pull,push,delete'}`;
    const bearer = await token(scope, init.anonymous ? {} : admin);
    return fetch(`${base}/v2/${repo}/${p}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...init.headers },
      body: init.body,
    });
  };
  const pushImage = async (repo: string, tag: string): Promise<string> => {
    const blobs: Array<{ mediaType: string; data: Buffer }> = [
      { mediaType: 'application/vnd.oci.image.config.v1+json', data: Buffer.from('{}') },
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        data: Buffer.from(`${Math.random()}`),
      },
    ];
    for (const blob of blobs) {
      const res = await v2(repo, 'POST', `blobs/uploads/?digest=${sha(blob.data)}`, {
        headers: { 'content-type': 'application/octet-stream' },
        body: blob.data,
      });
      expect(res.status).toBe(201);
    }
    const descriptor = (b: { mediaType: string; data: Buffer }) => ({
      mediaType: b.mediaType,
      digest: sha(b.data),
      size: b.data.length,
    });
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: descriptor(blobs[0]),
      layers: [descriptor(blobs[1])],
    });
    const res = await v2(repo, 'PUT', `manifests/${tag}`, {
      headers: { 'content-type': OCI_MANIFEST },
      body: manifest,
    });
    expect(res.status).toBe(201);
    return sha(manifest);
  };

  const recorded = async (type?: string): Promise<Recorded[]> => {
    const rows = await dataSource.getRepository(OutboxEventEntity).find({
      where: type === undefined ? {} : { type },
      order: { seq: 'ASC' },
    });
    return rows.map((r) => ({
      type: r.type,
      data: (JSON.parse(r.payload) as { data: Record<string, unknown> }).data,
    }));
  };
  const count = async (type: string): Promise<number> => (await recorded(type)).length;
  /** The data of the newest event of `type`, which must come from this spec's client. */
  const latest = async (type: string): Promise<Record<string, unknown>> => {
    const events = await recorded(type);
    expect(events.length, `no ${type} event`).toBeGreaterThan(0);
    const data = events[events.length - 1].data;
    expect(data['sourceAddress']).toBe(CLIENT);
    return data;
  };

  beforeAll(async () => {
    ({ service, base, dataDir } = await startTestBerth('berth-audit-', ADMIN_PASSWORD));
    dataSource = service.app.get(DataSource);
  });
  afterAll(async () => {
    await service?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('records user changes by name of field, never their values', async () => {
    const created = await expectStatus(
      api(admin, 'POST', '/users', {
        username: 'audit-bob',
        email: 'bob@audit.test',
        password: BOB_PASSWORD,
      }),
      201,
    );
    bobId = Number(created.headers.get('location')?.split('/').pop());
    expect(await latest('user.created')).toEqual({
      operator: 'admin',
      sourceAddress: CLIENT,
      userId: bobId,
      username: 'audit-bob',
    });

    await expectStatus(
      api(admin, 'PUT', `/users/${bobId}`, { email: 'robert@audit.test', realname: 'Robert' }),
      200,
    );
    expect(await latest('user.updated')).toMatchObject({
      operator: 'admin',
      userId: bobId,
      username: 'audit-bob',
      changes: ['email', 'realname'],
    });

    const bob = { authorization: basic('audit-bob', BOB_PASSWORD) };
    await expectStatus(
      api(bob, 'PUT', '/users/current/password', {
        old_password: BOB_PASSWORD,
        new_password: BOB_RESET_PASSWORD,
      }),
      200,
    );
    expect(await latest('user.updated')).toMatchObject({
      operator: 'audit-bob',
      changes: ['password'],
    });
    await expectStatus(
      api(admin, 'PUT', `/users/${bobId}/password`, { new_password: BOB_PASSWORD }),
      200,
    );
    expect(await latest('user.updated')).toMatchObject({
      operator: 'admin',
      changes: ['password'],
    });

    await expectStatus(api(admin, 'PUT', `/users/${bobId}/sysadmin`, { sysadmin_flag: true }), 200);
    expect(await latest('user.updated')).toMatchObject({ changes: ['sysadmin'] });
    await expectStatus(
      api(admin, 'PUT', `/users/${bobId}/sysadmin`, { sysadmin_flag: false }),
      200,
    );

    await expectStatus(
      api(bob, 'PUT', `/users/${bobId}/cli_secret`, { secret: BOB_CLI_SECRET }),
      200,
    );
    expect(await latest('user.updated')).toMatchObject({
      operator: 'audit-bob',
      changes: ['cli_secret'],
    });
    const generated = await expectStatus(api(bob, 'PUT', `/users/${bobId}/cli_secret`), 200);
    secrets.push(((await generated.json()) as { secret: string }).secret);
    expect(await latest('user.updated')).toMatchObject({ changes: ['cli_secret'] });
    expect(await count('user.updated')).toBe(7);
  });

  it('records project, metadata and member changes; a refused change records nothing', async () => {
    await expectStatus(
      api(admin, 'POST', '/projects', { project_name: 'audit', metadata: { public: 'false' } }),
      201,
    );
    const created = await latest('project.created');
    expect(created).toEqual({
      operator: 'admin',
      sourceAddress: CLIENT,
      projectId: expect.any(Number),
      project: 'audit',
      public: false,
    });

    await expectStatus(api(admin, 'POST', '/projects', { project_name: 'audit' }), 409);
    expect(await count('project.created')).toBe(1);

    await expectStatus(
      api(admin, 'PUT', '/projects/audit', { metadata: { public: 'true', auto_scan: 'false' } }),
      200,
    );
    // auto_scan was not set before, public was false: both changed.
    expect(await latest('project.updated')).toMatchObject({
      operator: 'admin',
      project: 'audit',
      projectId: created['projectId'],
      changes: ['public', 'auto_scan'],
    });
    await expectStatus(api(admin, 'DELETE', '/projects/audit/metadatas/auto_scan'), 200);
    expect(await latest('project.updated')).toMatchObject({ changes: ['auto_scan'] });

    const added = await expectStatus(
      api(admin, 'POST', '/projects/audit/members', {
        role_id: 2,
        member_user: { username: 'audit-bob' },
      }),
      201,
    );
    const memberId = Number(added.headers.get('location')?.split('/').pop());
    const member = {
      operator: 'admin',
      sourceAddress: CLIENT,
      projectId: created['projectId'],
      project: 'audit',
      memberId,
      member: 'audit-bob',
      memberKind: 'user',
    };
    expect(await latest('member.added')).toEqual({ ...member, role: 'developer' });
    await expectStatus(
      api(admin, 'POST', '/projects/audit/members', {
        role_id: 3,
        member_user: { username: 'audit-bob' },
      }),
      409,
    );
    expect(await count('member.added')).toBe(1);

    await expectStatus(
      api(admin, 'PUT', `/projects/audit/members/${memberId}`, { role_id: 4 }),
      200,
    );
    expect(await latest('member.updated')).toEqual({ ...member, role: 'maintainer' });
    await expectStatus(api(admin, 'DELETE', `/projects/audit/members/${memberId}`), 200);
    expect(await latest('member.removed')).toEqual(member);
  });

  it('records robot changes without their secrets', async () => {
    const permissions = [
      {
        kind: 'project',
        namespace: 'audit',
        access: [{ resource: 'repository', action: 'pull' }],
      },
    ];
    const create = async (name: string): Promise<{ id: number; name: string; secret: string }> => {
      const res = await expectStatus(
        api(admin, 'POST', '/robots', { name, level: 'project', duration: -1, permissions }),
        201,
      );
      const robot = (await res.json()) as { id: number; name: string; secret: string };
      secrets.push(robot.secret);
      return robot;
    };
    const ci = await create('ci');
    const ref = {
      operator: 'admin',
      sourceAddress: CLIENT,
      robotId: ci.id,
      robot: 'robot$audit+ci',
      project: 'audit',
    };
    expect(await latest('robot.created')).toEqual(ref);

    await expectStatus(api(admin, 'PUT', `/robots/${ci.id}`, { disable: true }), 200);
    expect(await latest('robot.updated')).toEqual({ ...ref, changes: ['disable'] });
    const disabled = await fetch(`${base}/service/token?service=berth-registry`, {
      headers: { authorization: basic(ci.name, ci.secret) },
    });
    expect(disabled.status).toBe(401);
    expect(await latest('login.failed')).toEqual({
      operator: 'robot$audit+ci',
      sourceAddress: CLIENT,
      method: 'token',
      reason: 'robot disabled',
    });
    const refreshed = await expectStatus(api(admin, 'PATCH', `/robots/${ci.id}`, {}), 200);
    secrets.push(((await refreshed.json()) as { secret: string }).secret);
    expect(await latest('robot.updated')).toEqual({ ...ref, changes: ['secret'] });

    await expectStatus(api(admin, 'DELETE', `/robots/${ci.id}`), 200);
    expect(await latest('robot.deleted')).toEqual(ref);
    await create('deploy'); // deleted with its project, below
  });

  it('records pushes, pulls (anonymous ones by that name), tags and deletions with the client address', async () => {
    const digest = await pushImage('audit/app', 'v1');
    expect(await latest('artifact.pushed')).toMatchObject({
      operator: 'admin',
      project: 'audit',
      repository: 'audit/app',
      digest,
      tag: 'v1',
    });

    // `audit` is public since the metadata change above: anyone may pull.
    const pulled = await v2('audit/app', 'GET', 'manifests/v1', { anonymous: true });
    expect(pulled.status).toBe(200);
    expect(await latest('artifact.pulled')).toMatchObject({
      operator: 'anonymous',
      repository: 'audit/app',
      digest,
      tag: 'v1',
    });
    expect((await v2('audit/app', 'GET', `manifests/${digest}`)).status).toBe(200);
    expect(await latest('artifact.pulled')).toMatchObject({ operator: 'admin', digest });

    const artifact = `/projects/audit/repositories/app/artifacts/${digest}`;
    await expectStatus(api(admin, 'POST', `${artifact}/tags`, { name: 'stable' }), 201);
    expect(await latest('tag.created')).toMatchObject({ operator: 'admin', tag: 'stable', digest });
    await expectStatus(api(admin, 'DELETE', `${artifact}/tags/stable`), 200);
    expect(await latest('tag.deleted')).toMatchObject({ operator: 'admin', tag: 'stable', digest });

    expect((await v2('audit/app', 'DELETE', `manifests/${digest}`)).status).toBe(202);
    expect(await latest('artifact.deleted')).toMatchObject({ operator: 'admin', digest });
  });

  it('records a project deletion with the robots that go with it', async () => {
    await expectStatus(api(admin, 'DELETE', '/projects/audit/repositories/app'), 200);
    const robotsBefore = await count('robot.deleted');
    await expectStatus(api(admin, 'DELETE', '/projects/audit'), 200);
    expect(await latest('project.deleted')).toEqual({
      operator: 'admin',
      sourceAddress: CLIENT,
      projectId: expect.any(Number),
      project: 'audit',
    });
    expect(await count('robot.deleted')).toBe(robotsBefore + 1);
    expect(await latest('robot.deleted')).toMatchObject({
      operator: 'admin',
      robot: 'robot$audit+deploy',
      project: 'audit',
    });
  });

  it('records portal logins, failed ones and logouts', async () => {
    const login = (password: string): Promise<Response> =>
      fetch(`${base}/c/login`, {
        method: 'POST',
        body: new URLSearchParams({ principal: 'audit-bob', password }),
      });
    expect((await login('Wrong-Passw0rd')).status).toBe(401);
    expect(await latest('login.failed')).toEqual({
      operator: 'audit-bob',
      sourceAddress: CLIENT,
      method: 'session',
      reason: 'bad credentials',
    });
    const res = await login(BOB_PASSWORD);
    expect(res.status).toBe(200);
    expect(await latest('login.succeeded')).toEqual({
      operator: 'audit-bob',
      sourceAddress: CLIENT,
      method: 'session',
    });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
    expect((await fetch(`${base}/c/log_out`, { headers: { cookie } })).status).toBe(200);
    expect(await latest('login.ended')).toEqual({ operator: 'audit-bob', sourceAddress: CLIENT });
  });

  it('records docker logins at the token service, but not the token fetched for every pull', async () => {
    const bob = { authorization: basic('audit-bob', BOB_PASSWORD) };
    const succeeded = await count('login.succeeded');
    await token('repository:library/x:pull', bob);
    expect(await count('login.succeeded')).toBe(succeeded);

    const dockerLogin = await fetch(
      `${base}/service/token?service=berth-registry&offline_token=true&client_id=docker`,
      { headers: bob },
    );
    expect(dockerLogin.status).toBe(200);
    expect(await latest('login.succeeded')).toEqual({
      operator: 'audit-bob',
      sourceAddress: CLIENT,
      method: 'token',
    });

    const refused = await fetch(`${base}/service/token?service=berth-registry`, {
      headers: { authorization: basic('audit-bob', 'Wrong-Passw0rd') },
    });
    expect(refused.status).toBe(401);
    expect(await latest('login.failed')).toMatchObject({
      operator: 'audit-bob',
      method: 'token',
      reason: 'bad credentials',
    });
  });

  it('records failed Basic sign-ins on the API, not successful ones', async () => {
    const before = await recorded();
    expect((await api(admin, 'GET', '/users/current')).status).toBe(200);
    expect(await recorded()).toHaveLength(before.length);
    const res = await api({ authorization: basic('nobody', 'Wrong-Passw0rd') }, 'GET', '/projects');
    expect(res.status).toBe(401);
    expect(await latest('login.failed')).toEqual({
      operator: 'nobody',
      sourceAddress: CLIENT,
      method: 'basic',
      reason: 'bad credentials',
    });
  });

  it('records a user deletion under the name the user had', async () => {
    await expectStatus(api(admin, 'DELETE', `/users/${bobId}`), 200);
    expect(await latest('user.deleted')).toEqual({
      operator: 'admin',
      sourceAddress: CLIENT,
      userId: bobId,
      username: 'audit-bob',
    });
  });

  it('puts no password, CLI secret or robot secret into any event', async () => {
    const events = await dataSource.getRepository(OutboxEventEntity).find();
    expect(events.length).toBeGreaterThan(20);
    for (const event of events)
      for (const secret of secrets) expect(event.payload, event.type).not.toContain(secret);
  });
});
