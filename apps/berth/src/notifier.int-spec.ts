import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource, In } from 'typeorm';
import {
  AuditLogEntity,
  SystemConfigurations,
  WebhookDispatcher,
  WebhookJobRepository,
  WebhookPolicyRepository,
  type WebhookTarget,
} from '@berth/notifications/domain';
import { startService, type RunningService } from '@berth/platform/runtime';
import {
  OCI_CONFIG,
  OCI_LAYER_GZIP,
  OCI_MANIFEST,
  RegistryHttp,
  freePort,
  selfSignedCertificate,
  sha256,
  startHttpReceiver,
  startSyslogListener,
  waitFor,
  type HttpReceiver,
  type ReceivedRequest,
  type SyslogListener,
} from '@berth/platform/testing';
import { allInOne } from './all-in-one';

/** A loopback receiver; `/hang` never answers, `/flaky` answers 500 to each key's first attempt. */
function startReceiver(): Promise<HttpReceiver> {
  const failedOnce = new Set<string>();
  return startHttpReceiver((r) => {
    if (r.path === '/hang') return 'hang';
    const key = String(r.headers['idempotency-key']);
    if (r.path === '/flaky' && !failedOnce.has(key)) {
      failedOnce.add(key);
      return 500;
    }
    return 200;
  });
}

const target = (address: string, more: Partial<WebhookTarget> = {}): WebhookTarget => ({
  type: 'http',
  address,
  authHeader: '',
  skipCertVerify: false,
  payloadFormat: 'Default',
  ...more,
});

/** Webhooks and SIEM forwarding end to end in the all-in-one process, with real receivers. */
describe('notifier: webhooks and audit forwarding (all-in-one)', () => {
  const password = 'Notifier-spec-1';
  let berth: RunningService;
  let base: string;
  let dataDir: string;
  let receiver: HttpReceiver;
  let syslog: SyslogListener;
  let syslogPort: number;
  let cert: { key: string; cert: string };
  let registry: RegistryHttp;
  let projectId: number;
  const scope = 'repository:hooks/app:pull,push';
  const basic = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const layer = crypto.randomBytes(256);

  async function push(tag: string): Promise<string> {
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
        layers: [{ mediaType: OCI_LAYER_GZIP, digest: sha256(layer), size: layer.length }],
        annotations: { tag },
      }),
    );
    const res = await registry.fetch(`/v2/hooks/app/manifests/${tag}`, scope, {
      method: 'PUT',
      body: manifest,
      headers: { 'content-type': OCI_MANIFEST },
    });
    expect(res.status, await res.text()).toBe(201);
    return sha256(manifest);
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-notifier-'));
    cert = selfSignedCertificate();
    fs.writeFileSync(path.join(dataDir, 'siem-ca.pem'), cert.cert);
    receiver = await startReceiver();
    syslog = await startSyslogListener({ tls: cert });
    syslogPort = syslog.port;
    const port = await freePort();
    berth = await startService(allInOne, {
      BERTH_HTTP_PORT: String(port),
      BERTH_HTTP_HOST: '127.0.0.1',
      BERTH_DATA_DIR: dataDir,
      BERTH_ADMIN_PASSWORD: password,
      BERTH_LOG_LEVEL: 'silent',
      BERTH_WEBHOOK_ALLOW_PRIVATE: 'true',
      BERTH_WEBHOOK_TIMEOUT_SECONDS: '8',
      BERTH_AUDIT_FORWARD_CA_FILE: path.join(dataDir, 'siem-ca.pem'),
    });
    base = `http://127.0.0.1:${port}`;
    registry = new RegistryHttp({
      url: base,
      registryHost: `127.0.0.1:${port}`,
      username: 'admin',
      password,
    });
    const res = await fetch(`${base}/api/v2.0/projects`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ project_name: 'hooks', metadata: { public: 'true' } }),
    });
    expect(res.status).toBe(201);
    projectId = Number(res.headers.get('location')!.split('/').pop());
    for (const blob of [config, layer]) {
      const up = await registry.fetch(
        `/v2/hooks/app/blobs/uploads/?digest=${sha256(blob)}`,
        scope,
        {
          method: 'POST',
          body: blob,
        },
      );
      expect(up.status).toBe(201);
    }
  });

  afterAll(async () => {
    await berth?.app.close();
    await receiver?.close();
    await syslog?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function policy(name: string, targets: WebhookTarget[], eventTypes = ['PUSH_ARTIFACT']) {
    return berth.app.get(WebhookPolicyRepository).create({
      projectId,
      name,
      description: '',
      enabled: true,
      eventTypes: eventTypes as never,
      targets,
      creator: 'admin',
    });
  }

  it("sends Harbor's default payload, CloudEvents 1.0 and Slack messages, keyed by the event id", async () => {
    const p = await policy('formats', [
      target(`${receiver.url}/default`, { authHeader: 'Bearer hook-secret' }),
      target(`${receiver.url}/cloudevents`, { payloadFormat: 'CloudEvents' }),
      target(`${receiver.url}/slack`, { type: 'slack' }),
    ]);
    const digest = await push('1.0');
    await waitFor(
      () =>
        ['default', 'cloudevents', 'slack'].every((t) =>
          receiver.accepted().some((r) => r.path === `/${t}`),
        ),
      20_000,
      100,
    );
    const get = (p: string): ReceivedRequest => receiver.accepted().find((r) => r.path === p)!;

    const d = get('/default');
    expect(d.headers['content-type']).toMatch(/^application\/json/);
    expect(d.headers.authorization).toBe('Bearer hook-secret');
    const key = String(d.headers['idempotency-key']);
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    const payload = JSON.parse(d.body);
    expect(payload).toEqual({
      type: 'PUSH_ARTIFACT',
      occur_at: expect.any(Number),
      operator: 'admin',
      event_data: {
        resources: [
          {
            digest,
            tag: '1.0',
            resource_url: `${registry['endpoint'].registryHost}/hooks/app:1.0`,
          },
        ],
        repository: {
          date_created: expect.any(Number),
          name: 'app',
          namespace: 'hooks',
          repo_full_name: 'hooks/app',
          repo_type: 'public',
        },
      },
    });
    expect(Math.abs(payload.occur_at - Date.now() / 1000)).toBeLessThan(60);

    const c = get('/cloudevents');
    expect(c.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(c.headers['idempotency-key']).toBe(key);
    const ce = JSON.parse(c.body);
    expect(ce).toMatchObject({
      specversion: '1.0',
      id: key,
      source: `/projects/${projectId}/webhook/policies/${p.id}`,
      type: 'harbor.artifact.pushed',
      datacontenttype: 'application/json',
      operator: 'admin',
      data: { resources: [{ digest, tag: '1.0' }], repository: { repo_full_name: 'hooks/app' } },
    });
    expect(new Date(ce.time).getTime()).not.toBeNaN();

    const s = JSON.parse(get('/slack').body);
    expect(typeof s.text).toBe('string');
    expect(s.text).toContain('hooks/app:1.0');
    expect(s.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(s.blocks[0].text.text).toContain(digest);
    await berth.app.get(WebhookPolicyRepository).delete(projectId, p.id);
  });

  it('retries a failed delivery with back-off and records every attempt', async () => {
    const p = await policy('flaky', [target(`${receiver.url}/flaky`)]);
    await push('flaky-1');
    await waitFor(() => receiver.accepted().some((r) => r.path === '/flaky'), 20_000, 100);
    const jobs = berth.app.get(WebhookJobRepository);
    const job = await waitFor(
      async () => {
        const { jobs: list } = await jobs.executions(
          p.id,
          { filters: [], sorts: [] },
          { page: 1, pageSize: 10, offset: 0, limit: 10 },
        );
        return list[0]?.status === 'Success' ? list[0] : undefined;
      },
      10_000,
      100,
    );
    expect(job.attempts).toBe(2);
    const attempts = await jobs.attempts(job.id);
    expect(attempts.map((a) => [a.ok, a.statusCode])).toEqual([
      [false, 500],
      [true, 200],
    ]);

    // Finished deliveries are kept two weeks for the executions API, then swept with their log.
    const dispatcher = berth.app.get(WebhookDispatcher);
    expect(await dispatcher.sweep(Date.now())).toBe(0);
    expect(await dispatcher.sweep(Date.now() + 15 * 24 * 3_600_000)).toBeGreaterThanOrEqual(1);
    expect(await jobs.job(p.id, job.id)).toBeNull();
    expect(await jobs.attempts(job.id)).toEqual([]);
    await berth.app.get(WebhookPolicyRepository).delete(projectId, p.id);
  });

  it("a receiver that hangs does not delay another policy's deliveries", async () => {
    const hanging = await policy('hanging', [target(`${receiver.url}/hang`)]);
    const healthy = await policy('healthy', [target(`${receiver.url}/healthy`)]);
    const before = receiver.accepted().length;
    const started = Date.now();
    // More events than the hanging policy may hold slots for.
    for (let i = 0; i < 20; i++) await push(`burst-${i}`);
    await waitFor(
      () =>
        receiver
          .accepted()
          .slice(before)
          .filter((r) => r.path === '/healthy').length === 20,
      20_000,
      50,
    );
    // All 20 arrived well before the first hanging attempt could even time out (8 s).
    expect(Date.now() - started).toBeLessThan(7000);
    const repo = berth.app.get(WebhookPolicyRepository);
    await repo.delete(projectId, hanging.id);
    await repo.delete(projectId, healthy.id);
  });

  it('audits pulls unless pull_audit_log_disable is set', async () => {
    await push('pulled');
    const pull = async (): Promise<void> => {
      const res = await registry.fetch('/v2/hooks/app/manifests/pulled', scope, {
        headers: { accept: OCI_MANIFEST },
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    };
    const pulls = (): Promise<number> =>
      berth.app
        .get(DataSource)
        .getRepository(AuditLogEntity)
        .countBy({ resource: 'hooks/app:pulled', operation: 'pull' });
    await pull();
    await waitFor(async () => (await pulls()) === 1, 10_000, 50);
    const configurations = berth.app.get(SystemConfigurations);
    await configurations.update({ operator: 'admin' }, { pull_audit_log_disable: true });
    await pull();
    await push('after-quiet-pull');
    // The push after the pull is recorded, so the pull was handled too: and not audited.
    await waitFor(
      async () =>
        (await berth.app
          .get(DataSource)
          .getRepository(AuditLogEntity)
          .countBy({ resource: 'hooks/app:after-quiet-pull' })) === 1,
      10_000,
      50,
    );
    expect(await pulls()).toBe(1);
    await configurations.update({ operator: 'admin' }, { pull_audit_log_disable: false });
    await pull();
    await waitFor(async () => (await pulls()) === 2, 10_000, 50);
  });

  it('forwards audit records as RFC 5424 over TLS and keeps them while the collector is down', async () => {
    const configurations = berth.app.get(SystemConfigurations);
    await configurations.update(
      { operator: 'admin' },
      { audit_log_forward_endpoint: `tls://127.0.0.1:${syslogPort}` },
    );
    const digest = await push('siem-1');
    const [first] = await waitFor(
      async () => {
        const m = syslog.messages.filter((x) => x.msg.includes('hooks/app:siem-1'));
        return m.length > 0 ? m : undefined;
      },
      20_000,
      100,
    );
    expect(first.version).toBe(1);
    expect(first.appName).toBe('berth');
    expect(first.msgId).toBe('audit');
    expect(first.severity).toBe(6);
    expect(first.structuredData['audit@32473']).toMatchObject({
      operator: 'admin',
      resource: 'hooks/app:siem-1',
      resourceType: 'artifact',
      operation: 'create',
      result: 'true',
      sourceAddress: '127.0.0.1',
    });
    expect(digest).toMatch(/^sha256:/);

    await syslog.close();
    const tags = ['siem-2', 'siem-3', 'siem-4'];
    for (const t of tags) await push(t);
    await new Promise((r) => setTimeout(r, 1500));
    syslog = await startSyslogListener({ tls: cert, port: syslogPort });
    await waitFor(
      () =>
        tags.every((t) =>
          syslog.messages.some(
            (m) => m.structuredData['audit@32473']?.resource === `hooks/app:${t}`,
          ),
        ),
      60_000,
      200,
    );
    expect(syslog.errors).toEqual([]);

    // skip_audit_log_database: records reach the collector only.
    await configurations.update({ operator: 'admin' }, { skip_audit_log_database: true });
    await push('siem-only');
    await waitFor(
      () =>
        syslog.messages.some(
          (m) => m.structuredData['audit@32473']?.resource === 'hooks/app:siem-only',
        ),
      20_000,
      100,
    );
    const stored = await berth.app
      .get(DataSource)
      .getRepository(AuditLogEntity)
      .findBy({ resource: In(['hooks/app:siem-only', 'hooks/app:siem-2']) });
    expect(stored.map((r) => r.resource)).toEqual(['hooks/app:siem-2']);
    await configurations.update(
      { operator: 'admin' },
      { skip_audit_log_database: false, audit_log_forward_endpoint: '' },
    );
  });
});
