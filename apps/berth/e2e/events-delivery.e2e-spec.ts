import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OCI_CONFIG,
  OCI_LAYER_GZIP,
  OCI_MANIFEST,
  PrivateNats,
  RegistryHttp,
  createTestDatabase,
  ensureDependencies,
  freePort,
  freePortRange,
  killHard,
  sha256,
  startBerthApp,
  startHttpReceiver,
  startSyslogListener,
  stopGracefully,
  waitFor,
  type ReceivedRequest,
  type SpawnedProcess,
  type SyslogListener,
  type TestDatabase,
} from '@berth/platform/testing';

const PUSHES = 1000;
const PARALLEL = 8;
const APPS = ['registry', 'auth', 'api', 'notifier'] as const;
type App = (typeof APPS)[number];

interface Delivery {
  policy: string;
  key: string;
  contentType: string;
  body: string;
}

/** A webhook receiver that answers 500 to the first attempt of about one delivery in 25. */
async function startReceiver(): Promise<{
  url: string;
  deliveries(): Delivery[];
  close(): Promise<void>;
}> {
  const refusedOnce = new Set<string>();
  const pairOf = (r: ReceivedRequest): string =>
    `${String(r.headers['x-berth-webhook-policy'] ?? '')}/${String(r.headers['idempotency-key'] ?? '')}`;
  const receiver = await startHttpReceiver((r) => {
    const pair = pairOf(r);
    if (crypto.createHash('sha1').update(pair).digest()[0] < 10 && !refusedOnce.has(pair)) {
      refusedOnce.add(pair);
      return 500;
    }
    return 200;
  });
  return {
    url: `${receiver.url}/hooks`,
    deliveries: () =>
      receiver.accepted().map((r) => ({
        policy: String(r.headers['x-berth-webhook-policy'] ?? ''),
        key: String(r.headers['idempotency-key'] ?? ''),
        contentType: String(r.headers['content-type'] ?? ''),
        body: r.body,
      })),
    close: () => receiver.close(),
  };
}

/**
 * Nothing lost, with real PostgreSQL and NATS JetStream: 1,000 pushes while NATS is stopped for
 * part of the run and the notifier is SIGKILLed once. Afterwards every push reached every policy
 * exactly once (after de-duplication by idempotency key) and the audit log holds every push.
 */
describe('events out of the platform survive NATS outages and a killed notifier', () => {
  const password = crypto.randomBytes(12).toString('base64url');
  let basePort: number;
  let nats: PrivateNats;
  let dir: string;
  let database: TestDatabase | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let siem: SyslogListener;
  const processes = new Map<App, SpawnedProcess>();
  const api = (p: string): string => `http://127.0.0.1:${basePort + 2}/api/v2.0${p}`;
  const basic = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

  function envFor(app: App): Record<string, string | undefined> {
    const i = APPS.indexOf(app);
    return {
      BERTH_HTTP_PORT: String(basePort + i),
      BERTH_EXTERNAL_URL: `http://127.0.0.1:${basePort}`,
      BERTH_AUTH_URL: `http://127.0.0.1:${basePort + 1}`,
      BERTH_DATA_DIR: path.join(dir, app),
      BERTH_ADMIN_PASSWORD: password,
      BERTH_LOG_LEVEL: 'warn',
      DATABASE_URL: database!.url,
      NATS_URL: nats.url,
      BERTH_WEBHOOK_ALLOW_PRIVATE: 'true',
      BERTH_WEBHOOK_TIMEOUT_SECONDS: '3',
      BERTH_EVENTS_BACKOFF_MS: '200',
    };
  }

  async function start(app: App): Promise<void> {
    processes.set(
      app,
      await startBerthApp({
        app,
        port: basePort + APPS.indexOf(app),
        env: envFor(app),
        health: 'live',
      }),
    );
  }

  beforeAll(async () => {
    const deps = ensureDependencies(['postgres', 'nats']);
    database = await createTestDatabase(deps.DATABASE_URL, 'berth_events');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-events-'));
    nats = new PrivateNats(await freePort(), path.join(dir, 'nats'), path.join(dir, 'nats.log'));
    await nats.start();
    receiver = await startReceiver();
    siem = await startSyslogListener();
    basePort = await freePortRange(APPS.length);
    // The registry first: it runs the migrations the others wait on.
    await start('registry');
    await Promise.all(APPS.filter((a) => a !== 'registry').map((a) => start(a)));
  });

  afterAll(async () => {
    for (const p of processes.values()) await stopGracefully(p);
    await receiver?.close();
    await siem?.close();
    await nats?.stop();
    await database?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every push once per policy, audits every push and forwards it to the SIEM', async () => {
    const json = { authorization: basic, 'content-type': 'application/json' };
    const configured = await fetch(api('/configurations'), {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ audit_log_forward_endpoint: `tcp://127.0.0.1:${siem.port}` }),
    });
    expect(configured.status, await configured.text()).toBe(200);
    // Services read configuration at most every two seconds.
    await new Promise((r) => setTimeout(r, 2500));
    const created = await fetch(api('/projects'), {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ project_name: 'events', metadata: { public: 'false' } }),
    });
    expect(created.status).toBe(201);
    for (const [name, format] of [
      ['default', 'Default'],
      ['cloudevents', 'CloudEvents'],
    ] as const) {
      const res = await fetch(api('/projects/events/webhook/policies'), {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          name,
          enabled: true,
          event_types: ['PUSH_ARTIFACT'],
          targets: [{ type: 'http', address: receiver.url, payload_format: format }],
        }),
      });
      expect(res.status, await res.text()).toBe(201);
    }
    const policies = (await (
      await fetch(api('/projects/events/webhook/policies'), { headers: json })
    ).json()) as Array<{ id: number; name: string }>;
    const policyIds = new Map(policies.map((p) => [String(p.id), p.name]));
    expect(policyIds.size).toBe(2);

    const registry = new RegistryHttp({
      url: `http://127.0.0.1:${basePort}`,
      registryHost: `127.0.0.1:${basePort}`,
      username: 'admin',
      password,
    });
    const scope = 'repository:events/app:pull,push';
    const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
    const layer = crypto.randomBytes(512);
    for (const blob of [config, layer]) {
      const res = await registry.fetch(
        `/v2/events/app/blobs/uploads/?digest=${sha256(blob)}`,
        scope,
        { method: 'POST', body: blob, headers: { 'content-type': 'application/octet-stream' } },
      );
      expect(res.status).toBe(201);
    }

    const digests = new Set<string>();
    let next = 0;
    const milestones: Array<[number, () => Promise<void>]> = [
      [250, () => nats.stop()],
      [400, () => killHard(processes.get('notifier')!)],
      [550, () => nats.start()],
      [700, () => start('notifier')],
    ];
    const pushOne = async (i: number): Promise<void> => {
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
          layers: [{ mediaType: OCI_LAYER_GZIP, digest: sha256(layer), size: layer.length }],
          annotations: { 'org.example.n': String(i) },
        }),
      );
      const res = await registry.fetch(`/v2/events/app/manifests/v${i}`, scope, {
        method: 'PUT',
        body: manifest,
        headers: { 'content-type': OCI_MANIFEST },
      });
      expect(res.status, await res.text()).toBe(201);
      digests.add(sha256(manifest));
    };
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let i = next++; i < PUSHES; i = next++) {
          const due = milestones.find(([at]) => at === i);
          if (due) await due[1]();
          await pushOne(i);
        }
      }),
    );
    expect(digests.size).toBe(PUSHES);
    expect(nats.running).toBe(true);

    const unique = (): Map<string, Delivery> =>
      new Map(receiver.deliveries().map((d) => [`${d.policy}/${d.key}`, d]));
    await waitFor(() => unique().size >= PUSHES * policyIds.size, 240_000, 500);
    // Anything still in flight would show up now: nothing more may arrive.
    await new Promise((r) => setTimeout(r, 3000));
    const byPolicy = new Map<string, Set<string>>();
    for (const d of unique().values()) {
      expect(policyIds.has(d.policy), `unknown policy ${d.policy}`).toBe(true);
      const body = JSON.parse(d.body) as {
        id?: string;
        specversion?: string;
        event_data?: { resources: Array<{ digest: string }> };
        data?: { resources: Array<{ digest: string }> };
      };
      const digest = (body.event_data ?? body.data)!.resources[0].digest;
      expect(digests.has(digest), `delivery for a digest never pushed: ${digest}`).toBe(true);
      if (policyIds.get(d.policy) === 'cloudevents') {
        expect(d.contentType).toMatch(/^application\/cloudevents\+json/);
        expect(body.specversion).toBe('1.0');
        expect(body.id).toBe(d.key);
      }
      const seen = byPolicy.get(d.policy) ?? new Set<string>();
      seen.add(digest);
      byPolicy.set(d.policy, seen);
    }
    expect(unique().size).toBe(PUSHES * policyIds.size);
    for (const seen of byPolicy.values()) expect(seen.size).toBe(PUSHES);

    const pushesAudited = async (): Promise<number> => {
      const res = await fetch(
        api(
          `/audit-logs?q=${encodeURIComponent('operation=create,resource_type=artifact')}&page_size=1`,
        ),
        { headers: { authorization: basic } },
      );
      return Number(res.headers.get('x-total-count'));
    };
    await waitFor(async () => (await pushesAudited()) >= PUSHES, 60_000, 500);
    expect(await pushesAudited()).toBe(PUSHES);

    // The same 1,000 records reached the syslog collector (duplicates allowed, losses not).
    const forwarded = (): Set<string> =>
      new Set(
        siem.messages
          .map((m) => m.structuredData['audit@32473'])
          .filter((sd) => sd?.resourceType === 'artifact' && sd.operation === 'create')
          .map((sd) => sd.resource),
      );
    await waitFor(() => forwarded().size >= PUSHES, 60_000, 500);
    expect([...forwarded()].sort()).toEqual(
      Array.from({ length: PUSHES }, (_, i) => `events/app:v${i}`).sort(),
    );
    expect(siem.errors).toEqual([]);
  });
});

/**
 * All-in-one keeps events between the outbox and their consumers in memory: a process killed
 * with events handed over but not yet handled must handle them after it restarts.
 */
describe('all-in-one killed mid-run loses no audit record or webhook', () => {
  const password = crypto.randomBytes(12).toString('base64url');
  let dir: string;
  let port: number;
  let berth: SpawnedProcess | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const base = (): string => `http://127.0.0.1:${port}`;
  const basic = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

  async function start(): Promise<void> {
    berth = await startBerthApp({
      app: 'berth',
      port,
      env: {
        BERTH_EXTERNAL_URL: base(),
        BERTH_DATA_DIR: dir,
        BERTH_ADMIN_PASSWORD: password,
        BERTH_LOG_LEVEL: 'warn',
        BERTH_WEBHOOK_ALLOW_PRIVATE: 'true',
      },
    });
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-killed-'));
    port = await freePort();
    receiver = await startReceiver();
    await start();
  });

  afterAll(async () => {
    if (berth) await stopGracefully(berth);
    await receiver?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('handles after a restart what it had taken before SIGKILL', async () => {
    const json = { authorization: basic, 'content-type': 'application/json' };
    expect(
      (
        await fetch(`${base()}/api/v2.0/projects`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ project_name: 'crash', metadata: { public: 'false' } }),
        })
      ).status,
    ).toBe(201);
    const policy = await fetch(`${base()}/api/v2.0/projects/crash/webhook/policies`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        name: 'hook',
        event_types: ['PUSH_ARTIFACT'],
        targets: [{ type: 'http', address: receiver.url }],
      }),
    });
    expect(policy.status).toBe(201);

    const registry = new RegistryHttp({
      url: base(),
      registryHost: `127.0.0.1:${port}`,
      username: 'admin',
      password,
    });
    const scope = 'repository:crash/app:pull,push';
    const config = Buffer.from('{"architecture":"arm64","os":"linux"}');
    for (const blob of [config]) {
      const res = await registry.fetch(
        `/v2/crash/app/blobs/uploads/?digest=${sha256(blob)}`,
        scope,
        {
          method: 'POST',
          body: blob,
        },
      );
      expect(res.status).toBe(201);
    }
    const pushed = new Map<string, string>();
    const push = async (tag: string): Promise<void> => {
      const body = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
          layers: [],
          annotations: { tag },
        }),
      );
      const res = await registry
        .fetch(`/v2/crash/app/manifests/${tag}`, scope, {
          method: 'PUT',
          body,
          headers: { 'content-type': OCI_MANIFEST },
        })
        .catch(() => undefined);
      if (res?.status === 201) pushed.set(tag, sha256(body));
    };
    // Pushes in flight when the process is killed may or may not have committed.
    let next = 0;
    let killed = false;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < 200 && !killed; i = next++) {
          if (i === 150) {
            killed = true;
            await killHard(berth!);
            break;
          }
          await push(`before-${i}`);
        }
      }),
    );
    expect(pushed.size).toBeGreaterThanOrEqual(140);
    await start();
    for (let i = 0; i < 20; i++) await push(`after-${i}`);

    const tags = [...pushed.keys()];
    const audited = async (): Promise<Set<string>> => {
      const seen = new Set<string>();
      for (let page = 1; ; page++) {
        const res = await fetch(
          `${base()}/api/v2.0/audit-logs?q=${encodeURIComponent('operation=create,resource_type=artifact')}&page=${page}&page_size=100`,
          { headers: { authorization: basic } },
        );
        const rows = (await res.json()) as Array<{ resource: string }>;
        for (const r of rows) seen.add(r.resource.replace('crash/app:', ''));
        if (rows.length < 100) return seen;
      }
    };
    await waitFor(
      async () => {
        const seen = await audited();
        return tags.every((t) => seen.has(t));
      },
      60_000,
      500,
    );
    const delivered = (): Set<string> =>
      new Set(
        receiver
          .deliveries()
          .map(
            (d) =>
              (JSON.parse(d.body) as { event_data: { resources: Array<{ digest: string }> } })
                .event_data.resources[0].digest,
          ),
      );
    await waitFor(
      () => [...pushed.values()].every((digest) => delivered().has(digest)),
      60_000,
      500,
    );
  });
});
