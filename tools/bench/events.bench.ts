// Events benchmark: how fast a push reaches a webhook receiver, Berth against the CNCF
// distribution registry's notifications, same machine, same run.
//
//   node -r @swc-node/register tools/bench/events.bench.ts [--quick] [--only=berth] [--cpu-prof=<dir>]
//
// Targets: distribution (notifications endpoint, its in-memory queue), Berth all-in-one
// (outbox + in-process bus) and Berth distributed (outbox + NATS JetStream, notifier process).
// Berth gets a project and one webhook policy for PUSH_ARTIFACT aimed at the receiver
// (BERTH_WEBHOOK_ALLOW_PRIVATE=true: the receiver is on loopback). For each target:
//   - latency: pushes of a small image manifest one at a time, each waiting for its webhook;
//     the time from the start of the manifest PUT to the receiver seeing the event; p50 / p99
//   - throughput: manifests pushed by 16 workers; events per second from the first PUT to the
//     last event received, and the pushes per second the registry took meanwhile
// Every server listens on 127.0.0.1 and is stopped at the end; loops are bounded by counts.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import {
  OCI_CONFIG,
  OCI_LAYER_GZIP,
  OCI_MANIFEST,
  RegistryHttp,
  freePort,
  sha256,
  startBerth,
  startDistributionRegistry,
  type RegistryInstance,
} from '@berth/platform/testing';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const only = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length);
const cpuProfDir = [...args].find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
const cfg = {
  latencyPushes: quick ? 50 : 300,
  throughputPushes: quick ? 300 : 2000,
  workers: 16,
  /** Longest wait for one event before the run is called failed. */
  eventTimeoutMs: 30_000,
};

/** Receives both Berth's webhook payloads and distribution's notification envelopes. */
class Receiver {
  private readonly waiting = new Map<string, (at: number) => void>();
  readonly arrived = new Map<string, number>();
  private server?: http.Server;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        res.writeHead(200).end();
        for (const digest of digestsIn(Buffer.concat(chunks).toString('utf8'))) {
          if (this.arrived.has(digest)) continue;
          this.arrived.set(digest, at);
          this.waiting.get(digest)?.(at);
          this.waiting.delete(digest);
        }
      });
    });
    this.server.keepAliveTimeout = 60_000;
    const port = await freePort();
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${port}/hook`;
  }

  /** Resolves with the arrival time of the event for `digest`. */
  arrival(digest: string): Promise<number> {
    const at = this.arrived.get(digest);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(digest);
        reject(new Error(`no event for ${digest} within ${cfg.eventTimeoutMs} ms`));
      }, cfg.eventTimeoutMs);
      this.waiting.set(digest, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

/** Manifest digests of push events: Berth's `event_data.resources`, distribution's `events[].target`. */
function digestsIn(body: string): string[] {
  try {
    const j = JSON.parse(body) as {
      event_data?: { resources?: Array<{ digest: string }> };
      events?: Array<{ action: string; target?: { digest: string; mediaType: string } }>;
    };
    if (j.event_data?.resources) return j.event_data.resources.map((r) => r.digest);
    return (j.events ?? [])
      .filter((e) => e.action === 'push' && e.target?.mediaType === OCI_MANIFEST)
      .map((e) => e.target!.digest);
  } catch {
    return [];
  }
}

interface Target {
  name: string;
  reg: RegistryInstance;
  client: RegistryHttp;
  repo: string;
}

const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
const layer = crypto.randomBytes(1024);
let serial = 0;

function manifest(): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
      layers: [{ mediaType: OCI_LAYER_GZIP, digest: sha256(layer), size: layer.length }],
      annotations: { 'org.example.serial': `${process.pid}-${serial++}` },
    }),
  );
}

async function push(t: Target, tag: string): Promise<{ digest: string; startedAt: number }> {
  const body = manifest();
  const startedAt = performance.now();
  const res = await t.client.fetch(`/v2/${t.repo}/manifests/${tag}`, scope(t), {
    method: 'PUT',
    body,
    headers: { 'content-type': OCI_MANIFEST },
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`${t.name}: manifest PUT answered ${res.status}`);
  return { digest: sha256(body), startedAt };
}

const scope = (t: Target): string => `repository:${t.repo}:pull,push`;

async function prepare(t: Target, receiverUrl: string): Promise<void> {
  if (t.name !== 'distribution') {
    const api = t.reg.apiUrl ?? t.reg.url;
    const headers = {
      authorization: `Basic ${Buffer.from(`${t.reg.username}:${t.reg.password}`).toString('base64')}`,
      'content-type': 'application/json',
    };
    const project = await fetch(`${api}/api/v2.0/projects`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ project_name: 'events', metadata: { public: 'false' } }),
    });
    if (project.status !== 201) throw new Error(`${t.name}: project: ${project.status}`);
    const policy = await fetch(`${api}/api/v2.0/projects/events/webhook/policies`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'bench',
        enabled: true,
        event_types: ['PUSH_ARTIFACT'],
        targets: [{ type: 'http', address: receiverUrl }],
      }),
    });
    if (policy.status !== 201)
      throw new Error(`${t.name}: webhook policy: ${policy.status} ${await policy.text()}`);
  }
  for (const blob of [config, layer]) {
    const started = await t.client.fetch(`/v2/${t.repo}/blobs/uploads/`, scope(t), {
      method: 'POST',
    });
    await started.arrayBuffer();
    const location = started.headers.get('location');
    if (started.status !== 202 || !location)
      throw new Error(`${t.name}: upload start answered ${started.status}`);
    const url = new URL(location, t.reg.url);
    url.searchParams.set('digest', sha256(blob));
    const res = await t.client.fetch(url.toString(), scope(t), {
      method: 'PUT',
      body: blob,
      headers: { 'content-type': 'application/octet-stream' },
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`${t.name}: blob upload answered ${res.status}`);
  }
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

interface Figures {
  p50: number;
  p99: number;
  eventsPerSecond: number;
  pushesPerSecond: number;
}

async function measure(t: Target, receiver: Receiver): Promise<Figures> {
  // Warm-up: connections, tokens, first-use code paths.
  for (let i = 0; i < 10; i++) {
    const p = await push(t, `warm-${i}`);
    await receiver.arrival(p.digest);
  }
  const latencies: number[] = [];
  for (let i = 0; i < cfg.latencyPushes; i++) {
    const p = await push(t, `lat-${i}`);
    latencies.push((await receiver.arrival(p.digest)) - p.startedAt);
  }
  latencies.sort((a, b) => a - b);

  const pending: Array<Promise<number>> = [];
  let next = 0;
  let lastPushEnd = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: cfg.workers }, async () => {
      for (let i = next++; i < cfg.throughputPushes; i = next++) {
        const p = await push(t, `tp-${i}`);
        pending.push(receiver.arrival(p.digest));
        lastPushEnd = performance.now();
      }
    }),
  );
  const arrivals = await Promise.all(pending);
  const last = Math.max(...arrivals);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    eventsPerSecond: cfg.throughputPushes / ((last - start) / 1000),
    pushesPerSecond: cfg.throughputPushes / ((lastPushEnd - start) / 1000),
  };
}

async function main(): Promise<void> {
  const receiver = new Receiver();
  await receiver.start();
  const berthEnv: Record<string, string> = {
    BERTH_WEBHOOK_ALLOW_PRIVATE: 'true',
    BERTH_LOG_LEVEL: 'error',
  };
  if (cpuProfDir) {
    // Node 20 refuses --cpu-prof in NODE_OPTIONS: the preload profiles each process instead.
    fs.mkdirSync(cpuProfDir, { recursive: true });
    berthEnv.NODE_OPTIONS = `--require ${path.join(__dirname, 'cpu-profile.preload.cjs')}`;
    berthEnv.BERTH_BENCH_CPU_PROF_DIR = path.resolve(cpuProfDir);
  }
  const defs: Array<{ name: string; start: () => Promise<RegistryInstance>; repo: string }> = [
    {
      name: 'distribution',
      start: () => startDistributionRegistry({ notificationsUrl: receiver.url }),
      repo: 'events/app',
    },
    {
      name: 'berth all-in-one',
      start: () => startBerth('all-in-one', { env: berthEnv, logLevel: 'error' }),
      repo: 'events/app',
    },
    {
      name: 'berth distributed',
      start: () => startBerth('distributed', { env: berthEnv, logLevel: 'error' }),
      repo: 'events/app',
    },
  ];
  const results = new Map<string, Figures | Error>();
  const t0 = Date.now();
  try {
    for (const d of defs.filter((x) => !only || x.name.startsWith(only))) {
      let reg: RegistryInstance | undefined;
      try {
        reg = await d.start();
        const t: Target = { name: d.name, reg, client: new RegistryHttp(reg), repo: d.repo };
        await prepare(t, receiver.url);
        results.set(d.name, await measure(t, receiver));
      } catch (e) {
        results.set(d.name, e instanceof Error ? e : new Error(String(e)));
      } finally {
        await reg?.stop().catch(() => undefined);
      }
    }
  } finally {
    await receiver.stop();
  }
  print(results);
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(0)} s${quick ? ' (--quick)' : ''}`);
}

function print(results: Map<string, Figures | Error>): void {
  const names = [...results.keys()];
  const peer = results.get('distribution');
  const rows: Array<[string, (f: Figures) => number, string, boolean]> = [
    [`push-to-webhook p50 (${cfg.latencyPushes} pushes, one at a time)`, (f) => f.p50, 'ms', true],
    ['push-to-webhook p99', (f) => f.p99, 'ms', true],
    [
      `events/s (${cfg.throughputPushes} pushes, ${cfg.workers} workers)`,
      (f) => f.eventsPerSecond,
      '/s',
      false,
    ],
    ['pushes/s meanwhile', (f) => f.pushesPerSecond, '/s', false],
  ];
  const w = 48;
  console.log(['measure'.padEnd(w), ...names.map((n) => n.padStart(18))].join(' '));
  for (const [label, get, unit, lowerIsBetter] of rows) {
    const cells = names.map((n) => {
      const r = results.get(n)!;
      if (r instanceof Error) return 'failed'.padStart(18);
      const v = get(r);
      let cell = `${v.toFixed(v < 10 ? 1 : 0)} ${unit}`;
      if (n !== 'distribution' && peer && !(peer instanceof Error)) {
        const p = get(peer);
        // Ratios read "Berth is x times better": time ratios are inverted.
        const ratio = lowerIsBetter ? p / v : v / p;
        cell += ` ${ratio.toFixed(2)}x`;
      }
      return cell.padStart(18);
    });
    console.log([label.padEnd(w), ...cells].join(' '));
  }
  for (const [n, r] of results)
    if (r instanceof Error) console.log(`${n} failed: ${r.message.slice(0, 500)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
