import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { CreateUserUseCase, type UserPrincipal } from '@berth/identity/domain';
import { AuditLogEntity } from '@berth/notifications/domain';
import { startTestBerth, type TestBerth } from './testing/test-berth';

const ADMIN_PASSWORD = 'correct-horse-battery';
const PASSWORD = 'Webhook-Passw0rd';
const ADMIN: UserPrincipal = { kind: 'user', id: 1, username: 'admin', sysadmin: true };
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const sha = (b: Buffer | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;
const ADMIN_AUTH = basic('admin', ADMIN_PASSWORD);
/** A public address: accepted as a target without a DNS lookup; no event here is sent to it. */
const PUBLIC_TARGET = 'https://8.8.8.8/berth-hook';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback that records what it gets. */
async function startReceiver(): Promise<{ url: string; got: Received[]; close: () => void }> {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, got, close: () => server.close() };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function client(berth: () => TestBerth) {
  const api = (p: string, init: { method?: string; auth?: string; body?: unknown } = {}) =>
    fetch(`${berth().base}/api/v2.0${p}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.auth !== '' && { authorization: init.auth ?? ADMIN_AUTH }),
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const json = async <T>(res: Response, status = 200): Promise<T> => {
    expect(res.status, await res.clone().text()).toBe(status);
    return (await res.json()) as T;
  };
  const createProject = async (name: string): Promise<number> => {
    const res = await api('/projects', { method: 'POST', body: { project_name: name } });
    expect(res.status).toBe(201);
    return Number(res.headers.get('location')!.split('/').pop());
  };
  const addMember = async (project: string, username: string, role: number): Promise<void> => {
    const res = await api(`/projects/${project}/members`, {
      method: 'POST',
      body: { role_id: role, member_user: { username } },
    });
    expect(res.status).toBe(201);
  };
  const v2 = async (
    repo: string,
    method: string,
    p: string,
    init: { headers?: Record<string, string>; body?: Buffer | string } = {},
  ): Promise<Response> => {
    const scope = encodeURIComponent(`repository:${repo}:pull,push`);
    const tokenRes = await fetch(
      `${berth().base}/service/token?service=berth-registry&scope=${scope}`,
      { headers: { authorization: ADMIN_AUTH } },
    );
    const { token } = (await tokenRes.json()) as { token: string };
    return fetch(`${berth().base}/v2/${repo}/${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
      body: init.body,
    });
  };
  /** A one-layer image pushed through /v2/ and tagged; returns its digest. */
  const pushImage = async (repo: string, tag: string): Promise<string> => {
    const blobs = [Buffer.from(JSON.stringify({ os: 'linux', n: randomUUID() })), randomUUID()];
    const digests: string[] = [];
    for (const blob of blobs) {
      const data = Buffer.from(blob);
      const res = await v2(repo, 'POST', `blobs/uploads/?digest=${sha(data)}`, {
        headers: { 'content-type': 'application/octet-stream' },
        body: data,
      });
      expect(res.status).toBe(201);
      digests.push(sha(data));
    }
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: digests[0],
        size: Buffer.from(blobs[0]).length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: digests[1],
          size: Buffer.from(blobs[1]).length,
        },
      ],
    });
    const res = await v2(repo, 'PUT', `manifests/${tag}`, {
      headers: { 'content-type': OCI_MANIFEST },
      body: manifest,
    });
    expect(res.status).toBe(201);
    return sha(manifest);
  };
  return { api, json, createProject, addMember, pushImage };
}

const expectHarborError = async (res: Response, status: number, code: string): Promise<string> => {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { errors: Array<{ code: string; message: string }> };
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0].code).toBe(code);
  return body.errors[0].message;
};

interface PolicyResp {
  id: number;
  name: string;
  description: string;
  project_id: number;
  targets: Array<{
    type: string;
    address: string;
    auth_header: string;
    skip_cert_verify: boolean;
    payload_format: string;
  }>;
  event_types: string[];
  creator: string;
  creation_time: string;
  update_time: string;
  enabled: boolean;
}

interface AuditLogResp {
  id: number;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  op_time: string;
  operation_description: string;
  operation_result: boolean;
  client_ip: string;
}

const policyBody = (name: string, address: string, extra: Record<string, unknown> = {}) => ({
  name,
  description: 'notify the build farm',
  enabled: true,
  event_types: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
  targets: [{ type: 'http', address, auth_header: 'Bearer s3cret', skip_cert_verify: false }],
  ...extra,
});

describe('webhook policies, audit log, purge and configurations (all-in-one)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const users = async (berth: TestBerth): Promise<void> => {
    const createUser = berth.service.app.get(CreateUserUseCase);
    for (const username of ['w-guest', 'w-dev', 'w-outsider'])
      await createUser.execute(ADMIN, {
        username,
        email: `${username}@example.test`,
        password: PASSWORD,
      });
  };
  const stop = async (berth: TestBerth | undefined): Promise<void> => {
    await berth?.service.app.close();
    if (berth) fs.rmSync(berth.dataDir, { recursive: true, force: true });
  };

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver?.close());

  // One instance at a time: instances in one process would share the in-process event bus.
  describe('with private webhook targets refused (the default)', () => {
    let off: TestBerth;
    const guarded = client(() => off);
    let projectA: number;

    beforeAll(async () => {
      off = await startTestBerth('berth-webhooks-off-', ADMIN_PASSWORD);
      await users(off);
      projectA = await guarded.createProject('alpha');
      await guarded.addMember('alpha', 'w-dev', 2);
    });
    afterAll(() => stop(off));

    describe('policies', () => {
      it('creates, reads, lists, updates and deletes a policy in Harbor’s shapes', async () => {
        const { api, json } = guarded;
        const created = await api('/projects/alpha/webhook/policies', {
          method: 'POST',
          body: policyBody('build-farm', PUBLIC_TARGET),
        });
        expect(created.status).toBe(201);
        const location = created.headers.get('location')!;
        expect(location).toMatch(/^\/api\/v2\.0\/projects\/alpha\/webhook\/policies\/\d+$/);
        const id = Number(location.split('/').pop());

        const policy = await json<PolicyResp>(await api(`/projects/alpha/webhook/policies/${id}`));
        expect(policy).toEqual({
          id,
          name: 'build-farm',
          description: 'notify the build farm',
          project_id: projectA,
          targets: [
            {
              type: 'http',
              address: PUBLIC_TARGET,
              auth_header: 'Bearer s3cret',
              skip_cert_verify: false,
              payload_format: 'Default',
            },
          ],
          event_types: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
          creator: 'admin',
          creation_time: expect.any(String),
          update_time: expect.any(String),
          enabled: true,
        });
        // The project may also be named by its id.
        expect(
          (await json<PolicyResp>(await api(`/projects/${projectA}/webhook/policies/${id}`))).name,
        ).toBe('build-farm');

        const list = await api('/projects/alpha/webhook/policies?q=name%3D~farm&sort=-name');
        expect(list.headers.get('x-total-count')).toBe('1');
        expect((await json<PolicyResp[]>(list)).map((p) => p.id)).toEqual([id]);

        const updated = await api(`/projects/alpha/webhook/policies/${id}`, {
          method: 'PUT',
          body: { ...policyBody('build-farm', PUBLIC_TARGET), enabled: false, description: 'off' },
        });
        expect(updated.status).toBe(200);
        const after = await json<PolicyResp>(await api(`/projects/alpha/webhook/policies/${id}`));
        expect([after.enabled, after.description]).toEqual([false, 'off']);

        expect(
          (await api(`/projects/alpha/webhook/policies/${id}`, { method: 'DELETE' })).status,
        ).toBe(200);
        await expectHarborError(
          await api(`/projects/alpha/webhook/policies/${id}`),
          404,
          'NOT_FOUND',
        );
      });

      it.each([
        ['an unknown event type', policyBody('p1', PUBLIC_TARGET, { event_types: ['EXPLODE'] })],
        ['a target that is not a URL', policyBody('p2', 'not a url')],
        ['a file:// target', policyBody('p3', 'file:///etc/passwd')],
        [
          'a slack target in CloudEvents',
          policyBody('p4', PUBLIC_TARGET, {
            targets: [{ type: 'slack', address: PUBLIC_TARGET, payload_format: 'CloudEvents' }],
          }),
        ],
        ['no name', policyBody('', PUBLIC_TARGET)],
      ])('answers %s with 400 in Harbor’s error body', async (_what, body) => {
        const res = await guarded.api('/projects/alpha/webhook/policies', { method: 'POST', body });
        await expectHarborError(res, 400, 'BAD_REQUEST');
      });

      it('answers a second policy of the same name with 409', async () => {
        const { api } = guarded;
        // No event of this suite fires it: nothing is sent to the public address.
        const body = policyBody('twice', PUBLIC_TARGET, { event_types: ['QUOTA_EXCEED'] });
        expect(
          (await api('/projects/alpha/webhook/policies', { method: 'POST', body })).status,
        ).toBe(201);
        await expectHarborError(
          await api('/projects/alpha/webhook/policies', { method: 'POST', body }),
          409,
          'CONFLICT',
        );
      });

      it('refuses a loopback target unless the admin allowed private targets', async () => {
        const res = await guarded.api('/projects/alpha/webhook/policies', {
          method: 'POST',
          body: policyBody('loopback', receiver.url),
        });
        expect(await expectHarborError(res, 400, 'BAD_REQUEST')).toMatch(/loopback/);
        await guarded.pushImage('alpha/app', 'v1');
        await new Promise((r) => setTimeout(r, 500));
        expect(receiver.got).toEqual([]);
      });

      it('keeps policies to the roles Harbor gives them', async () => {
        const { api } = guarded;
        const dev = basic('w-dev', PASSWORD);
        await expectHarborError(
          await api('/projects/alpha/webhook/policies', { auth: dev }),
          403,
          'FORBIDDEN',
        );
        await expectHarborError(
          await api('/projects/alpha/webhook/policies', { auth: '' }),
          401,
          'UNAUTHORIZED',
        );
      });
    });

    describe('audit log purge', () => {
      const OLD = '2001-01-01T00:00:00.000Z';
      const rows = () => off.service.app.get(DataSource).getRepository(AuditLogEntity);
      const insert = (opTime: string, resource: string) =>
        rows().insert({
          eventId: randomUUID(),
          projectId: projectA,
          username: 'admin',
          resource,
          resourceType: 'artifact',
          operation: 'create',
          result: true,
          description: '',
          sourceAddress: null,
          opTime,
        });
      const purge = async (dryRun: boolean): Promise<string> => {
        const { api } = guarded;
        const res = await api('/system/purgeaudit/schedule', {
          method: 'POST',
          body: {
            schedule: { type: 'Manual' },
            parameters: {
              audit_retention_hour: 24 * 365,
              include_operations: 'create,delete,pull',
              dry_run: dryRun,
            },
          },
        });
        expect(res.status).toBe(201);
        const location = res.headers.get('location')!;
        expect(location).toMatch(/^\/api\/v2\.0\/system\/purgeaudit\/\d+$/);
        return location.replace('/api/v2.0', '');
      };

      it('counts in a dry run, then deletes only rows past the retention', async () => {
        const { api, json } = guarded;
        await insert(OLD, 'alpha/old:v0');
        await insert(new Date().toISOString(), 'alpha/new:v0');

        const dry = await purge(true);
        const run = await json<Record<string, unknown>>(await api(dry));
        expect(run).toMatchObject({
          job_name: 'PURGE_AUDIT_LOG',
          job_kind: 'MANUAL',
          job_status: 'Success',
          deleted: false,
        });
        expect(JSON.parse(run['job_parameters'] as string)).toEqual({
          audit_retention_hour: 24 * 365,
          include_operations: 'create,delete,pull',
          dry_run: true,
        });
        const dryLog = await api(`${dry}/log`);
        expect(dryLog.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(await dryLog.text()).toMatch(/would purge 1 /);
        expect(await rows().countBy({ resource: 'alpha/old:v0' })).toBe(1);

        const real = await purge(false);
        expect(await (await api(`${real}/log`)).text()).toMatch(/^purged 1 /);
        expect(await rows().countBy({ resource: 'alpha/old:v0' })).toBe(0);
        expect(await rows().countBy({ resource: 'alpha/new:v0' })).toBe(1);

        const history = await api('/system/purgeaudit');
        expect(history.headers.get('x-total-count')).toBe('2');
        const runs = await json<Array<{ id: number }>>(history);
        expect(runs.map((r) => `/system/purgeaudit/${r.id}`)).toEqual([real, dry]);
        await expectHarborError(await api('/system/purgeaudit/999999'), 404, 'NOT_FOUND');
      });

      it('keeps a schedule with its next run', async () => {
        const { api, json } = guarded;
        const body = {
          schedule: { type: 'Daily' },
          parameters: { audit_retention_hour: 48, include_operations: 'pull', dry_run: false },
        };
        expect((await api('/system/purgeaudit/schedule', { method: 'PUT', body })).status).toBe(
          200,
        );
        const s = await json<{
          job_name: string;
          job_parameters: string;
          schedule: { type: string; cron: string; next_scheduled_time?: string };
        }>(await api('/system/purgeaudit/schedule'));
        expect(s.job_name).toBe('PURGE_AUDIT_LOG');
        expect(s.schedule).toEqual({
          type: 'Daily',
          cron: '0 0 0 * * *',
          next_scheduled_time: expect.stringMatching(/T00:00:00\.000Z$/),
        });
        expect(JSON.parse(s.job_parameters)).toMatchObject({ audit_retention_hour: 48 });
        await expectHarborError(
          await api('/system/purgeaudit/schedule', {
            method: 'PUT',
            body: { schedule: { type: 'Custom', cron: 'every day' } },
          }),
          400,
          'BAD_REQUEST',
        );
      });

      it('is for system admins only', async () => {
        const { api } = guarded;
        const dev = basic('w-dev', PASSWORD);
        await expectHarborError(await api('/system/purgeaudit', { auth: dev }), 403, 'FORBIDDEN');
        await expectHarborError(
          await api('/system/purgeaudit/schedule', {
            method: 'POST',
            auth: dev,
            body: { schedule: { type: 'Manual' } },
          }),
          403,
          'FORBIDDEN',
        );
        await expectHarborError(
          await api('/system/purgeaudit/schedule', { auth: '' }),
          401,
          'UNAUTHORIZED',
        );
      });
    });

    describe('configurations', () => {
      it('reads and changes the editable settings, and refuses bad values and non-admins', async () => {
        const { api, json } = guarded;
        const before = await json<Record<string, { value: unknown; editable: boolean }>>(
          await api('/configurations'),
        );
        expect(before['audit_log_forward_endpoint']).toEqual({ value: '', editable: true });
        expect(before['auth_mode']).toEqual({ value: 'db_auth', editable: false });

        const put = await api('/configurations', {
          method: 'PUT',
          body: { audit_log_forward_endpoint: 'tcp://127.0.0.1:1' },
        });
        expect(put.status).toBe(200);
        expect(await put.text()).toBe('');
        const after = await json<Record<string, { value: unknown }>>(await api('/configurations'));
        expect(after['audit_log_forward_endpoint'].value).toBe('tcp://127.0.0.1:1');

        for (const body of [
          { skip_audit_log_database: 'yes' },
          { audit_log_forward_endpoint: 'ftp://collector' },
          { auth_mode: 'ldap_auth' },
          { no_such_setting: true },
        ])
          await expectHarborError(
            await api('/configurations', { method: 'PUT', body }),
            400,
            'BAD_REQUEST',
          );
        const dev = basic('w-dev', PASSWORD);
        await expectHarborError(await api('/configurations', { auth: dev }), 403, 'FORBIDDEN');
        await expectHarborError(
          await api('/configurations', { method: 'PUT', auth: dev, body: {} }),
          403,
          'FORBIDDEN',
        );
        await expectHarborError(await api('/configurations', { auth: '' }), 401, 'UNAUTHORIZED');

        expect(
          (
            await api('/configurations', {
              method: 'PUT',
              body: { audit_log_forward_endpoint: '' },
            })
          ).status,
        ).toBe(200);
      });
    });
  });

  describe('with private webhook targets allowed', () => {
    let on: TestBerth;
    const open = client(() => on);

    beforeAll(async () => {
      on = await startTestBerth('berth-webhooks-on-', ADMIN_PASSWORD, {
        BERTH_WEBHOOK_ALLOW_PRIVATE: 'true',
      });
      await users(on);
      await open.createProject('alpha');
      await open.createProject('beta');
      await open.addMember('alpha', 'w-guest', 3);
      await open.addMember('beta', 'w-dev', 2);
    });
    afterAll(() => stop(on));

    describe('deliveries', () => {
      let policyId: number;
      let otherPolicyId: number;

      beforeAll(async () => {
        const { api } = open;
        const res = await api('/projects/alpha/webhook/policies', {
          method: 'POST',
          body: policyBody('receiver', receiver.url),
        });
        expect(res.status).toBe(201);
        policyId = Number(res.headers.get('location')!.split('/').pop());
        const other = await api('/projects/beta/webhook/policies', {
          method: 'POST',
          body: policyBody('receiver', PUBLIC_TARGET, { event_types: ['QUOTA_EXCEED'] }),
        });
        otherPolicyId = Number(other.headers.get('location')!.split('/').pop());
        await open.pushImage('alpha/app', 'v1');
      });

      it('delivers Harbor’s default payload to the receiver, with the auth header', async () => {
        const got = await until('a delivery', async () => receiver.got[0]);
        expect(got.headers['authorization']).toBe('Bearer s3cret');
        expect(got.headers['content-type']).toMatch(/^application\/json/);
        const payload = JSON.parse(got.body) as {
          type: string;
          occur_at: number;
          operator: string;
          event_data: {
            resources: Array<{ digest: string; tag?: string; resource_url: string }>;
            repository: {
              name: string;
              namespace: string;
              repo_full_name: string;
              repo_type: string;
            };
          };
        };
        expect(payload.type).toBe('PUSH_ARTIFACT');
        expect(payload.operator).toBe('admin');
        expect(typeof payload.occur_at).toBe('number');
        expect(payload.event_data.repository).toMatchObject({
          name: 'app',
          namespace: 'alpha',
          repo_full_name: 'alpha/app',
          repo_type: 'private',
        });
        expect(payload.event_data.resources[0]).toMatchObject({ tag: 'v1' });
        expect(payload.event_data.resources[0].digest).toMatch(/^sha256:/);
      });

      it('shows the delivery as an execution with one task and its log', async () => {
        const { api, json } = open;
        const base = `/projects/alpha/webhook/policies/${policyId}`;
        const executions = await until('a settled execution', async () => {
          const list = await json<Array<Record<string, unknown>>>(await api(`${base}/executions`));
          return list.length > 0 && list[0]['status'] === 'Success' ? list : undefined;
        });
        expect(executions).toHaveLength(1);
        const execution = executions[0];
        expect(execution).toMatchObject({
          vendor_type: 'WEBHOOK',
          vendor_id: policyId,
          status: 'Success',
          trigger: 'EVENT',
          extra_attrs: { event_type: 'PUSH_ARTIFACT' },
          metrics: {
            task_count: 1,
            success_task_count: 1,
            error_task_count: 0,
            pending_task_count: 0,
            running_task_count: 0,
            scheduled_task_count: 0,
            stopped_task_count: 0,
          },
        });
        expect(JSON.parse((execution['extra_attrs'] as { payload: string }).payload)).toMatchObject(
          {
            type: 'PUSH_ARTIFACT',
          },
        );
        const id = execution['id'] as number;

        const tasksRes = await api(`${base}/executions/${id}/tasks`);
        expect(tasksRes.headers.get('x-total-count')).toBe('1');
        const tasks = await json<Array<Record<string, unknown>>>(tasksRes);
        expect(tasks).toEqual([
          expect.objectContaining({ id, execution_id: id, status: 'Success', run_count: 1 }),
        ]);

        const log = await api(`${base}/executions/${id}/tasks/${id}/log`);
        expect(log.status).toBe(200);
        expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
        const lines = (await log.text()).trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ attempt 1: HTTP 200 in \d+ ms$/);

        // Ids are looked up inside the path's project and policy only.
        for (const p of [
          `/projects/beta/webhook/policies/${policyId}`,
          `/projects/alpha/webhook/policies/${otherPolicyId}`,
          `/projects/beta/webhook/policies/${otherPolicyId}/executions/${id}/tasks`,
          `${base}/executions/${id}/tasks/${id + 1000}/log`,
          `${base}/executions/${id + 1000}/tasks`,
        ])
          await expectHarborError(await api(p), 404, 'NOT_FOUND');
      });

      it('reports the last trigger per policy and event type, and the supported events', async () => {
        const { api, json } = open;
        const triggers = await json<Array<Record<string, unknown>>>(
          await api('/projects/alpha/webhook/lasttrigger'),
        );
        expect(triggers).toEqual([
          expect.objectContaining({
            policy_name: 'receiver',
            enabled: true,
            event_type: 'PUSH_ARTIFACT',
            last_trigger_time: expect.stringMatching(/^\d{4}-/),
          }),
          expect.objectContaining({ policy_name: 'receiver', event_type: 'DELETE_ARTIFACT' }),
        ]);
        expect(triggers[1]).not.toHaveProperty('last_trigger_time');

        const events = await json<Record<string, unknown>>(
          await api('/projects/alpha/webhook/events'),
        );
        expect(events).toEqual({
          event_type: expect.arrayContaining(['PUSH_ARTIFACT', 'PULL_ARTIFACT', 'DELETE_ARTIFACT']),
          notify_type: ['http', 'slack'],
          payload_formats: [
            { notify_type: 'http', formats: ['Default', 'CloudEvents'] },
            { notify_type: 'slack', formats: ['Default'] },
          ],
        });
      });
    });

    describe('audit log', () => {
      beforeAll(async () => {
        await open.pushImage('beta/tool', 'v2');
        await until('both pushes in the audit log', async () => {
          const res = await open.api('/audit-logs?q=resource_type%3Dartifact&page_size=100');
          const rows = (await res.json()) as AuditLogResp[];
          const resources = rows.map((r) => r.resource);
          return resources.includes('alpha/app:v1') && resources.includes('beta/tool:v2')
            ? rows
            : undefined;
        });
      });

      it('lists the push with its operator, resource and operation', async () => {
        const { api, json } = open;
        const rows = await json<AuditLogResp[]>(await api('/audit-logs?page_size=100'));
        const push = rows.find((r) => r.resource === 'alpha/app:v1');
        expect(push).toEqual({
          id: expect.any(Number),
          username: 'admin',
          resource: 'alpha/app:v1',
          resource_type: 'artifact',
          operation: 'create',
          op_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          operation_description: expect.any(String),
          operation_result: true,
          client_ip: expect.any(String),
        });
        expect(Object.keys(push!).slice(0, 6)).toEqual([
          'id',
          'username',
          'resource',
          'resource_type',
          'operation',
          'op_time',
        ]);
      });

      it('filters with q, sorts and pages with Harbor’s headers', async () => {
        const { api, json } = open;
        const created = await json<AuditLogResp[]>(
          await api('/audit-logs?q=operation%3Dcreate&page_size=100'),
        );
        expect(created.length).toBeGreaterThanOrEqual(2);
        expect(created.every((r) => r.operation === 'create')).toBe(true);

        const page = await api('/audit-logs?q=operation%3Dcreate&sort=op_time&page=1&page_size=1');
        expect(Number(page.headers.get('x-total-count'))).toBe(created.length);
        expect(page.headers.get('link')).toContain('rel="next"');
        const [oldest] = await json<AuditLogResp[]>(page);
        expect(oldest.op_time).toBe(created[created.length - 1].op_time);

        const since = encodeURIComponent(`op_time=[${oldest.op_time.slice(0, 19)}~]`);
        const inRange = await json<AuditLogResp[]>(
          await api(`/audit-logs?q=${since}&page_size=100`),
        );
        expect(inRange.map((r) => r.id)).toContain(oldest.id);
        const future = encodeURIComponent('op_time=[2999-01-01T00:00:00~]');
        expect(await json<AuditLogResp[]>(await api(`/audit-logs?q=${future}`))).toEqual([]);

        await expectHarborError(await api('/audit-logs?q=password%3Dx'), 400, 'BAD_REQUEST');
      });

      it('shows a member the rows of their projects only', async () => {
        const { api, json } = open;
        const idsOf = async (p: string, auth?: string): Promise<number[]> =>
          (await json<AuditLogResp[]>(await api(`${p}?page_size=100`, { auth }))).map((r) => r.id);
        const alphaIds = await idsOf('/projects/alpha/logs');
        const betaIds = await idsOf('/projects/beta/logs');
        const guest = basic('w-guest', PASSWORD);
        const mine = await json<AuditLogResp[]>(
          await api('/projects/alpha/logs?page_size=100', { auth: guest }),
        );
        expect(mine.map((r) => r.resource)).toContain('alpha/app:v1');
        expect(mine.map((r) => r.id).sort()).toEqual([...alphaIds].sort());
        expect(mine.filter((r) => betaIds.includes(r.id))).toEqual([]);
        await expectHarborError(
          await api('/projects/beta/logs', { auth: guest }),
          403,
          'FORBIDDEN',
        );
        const all = await json<AuditLogResp[]>(
          await api('/audit-logs?page_size=100', { auth: guest }),
        );
        expect(all.map((r) => r.id).sort()).toEqual(mine.map((r) => r.id).sort());

        const dev = await json<AuditLogResp[]>(
          await api('/audit-logs?page_size=100', { auth: basic('w-dev', PASSWORD) }),
        );
        expect(dev.map((r) => r.resource)).toContain('beta/tool:v2');
        expect(dev.map((r) => r.id).sort()).toEqual([...betaIds].sort());
        expect(
          await json<AuditLogResp[]>(
            await api('/audit-logs', { auth: basic('w-outsider', PASSWORD) }),
          ),
        ).toEqual([]);
        await expectHarborError(await api('/audit-logs', { auth: '' }), 401, 'UNAUTHORIZED');
        await expectHarborError(
          await api('/projects/alpha/logs', { auth: '' }),
          401,
          'UNAUTHORIZED',
        );
      });
    });
  });
});
