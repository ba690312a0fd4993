// Registry benchmark: Berth against the CNCF distribution registry, same machine, same run.
//
//   node -r @swc-node/register tools/bench/registry.bench.ts [--distributed] [--quick] [--only=distribution]
//     [--steps=manifest,tags]   run only the steps whose label contains one of these words
//     [--cpu-prof=<dir>]   write a V8 CPU profile of each Berth Node process into <dir> (on exit)
//
// Repositories live in the `library` project (Berth, like Harbor, needs an existing project).
// Starts the distribution registry (filesystem storage, loopback) and Berth all-in-one (plus
// Berth distributed with --distributed), then measures on each, one after the other:
//   - monolithic blob push (POST + PUT ?digest=) of 200 x 1 MiB, one 100 MiB and 1 GiB blobs
//   - chunked push of 1 GiB in 10 MiB PATCH chunks
//   - pull of a 1 GiB blob
//   (each push step three times with different blobs, the pull seven times, alternating between
//   targets, reporting each target's median)
//   - manifest GET and HEAD by tag, 32 workers for a fixed time (vegeta -rate=0 -max-workers=32)
//   - the tag list of a repository with 10,000 tags
//   - token issue rate (Berth only): GET /service/token with Basic auth, 32 workers, for the admin
//     user (password) and for a robot account (secret)
//   - /v2/ authorization overhead (Berth; distribution's column is its unauthenticated GET):
//     manifest GET by tag on a public project with a user's bearer token against the same GET
//     with an anonymous token, runs alternating, and the ratio of the two
// and prints one table: each figure for every target, the ratio Berth/distribution, and the
// RSS of each target's processes (VmRSS summed over the process group, sampled every 100 ms):
// the idle baseline after start and a warm-up (a 64 MiB push, chunked push and pull), the peak over the whole run, and the peak growth over the
// baseline while 1 GiB blobs are pushed (monolithic, chunked) and pulled, for each. Berth needs a bearer token
// from its token service (GET <realm>?service=...&scope=repository:<repo>:pull,push with Basic
// admin credentials, found through the /v2/ challenge). --quick shrinks sizes and counts for a
// smoke run. Everything listens on 127.0.0.1; every server and temp dir is removed at the end.
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import {
  ociTool,
  RegistryHttp,
  startBerth,
  startDistributionRegistry,
  type RegistryInstance,
  type StartBerthOptions,
} from '@berth/platform/testing';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const only = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length);
const steps = [...args]
  .find((a) => a.startsWith('--steps='))
  ?.slice('--steps='.length)
  .split(',');
const cpuProfDir = [...args].find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
const MiB = 1024 * 1024;
const cfg = {
  smallCount: quick ? 40 : 200,
  smallSize: 1 * MiB,
  mediumSize: quick ? 16 * MiB : 100 * MiB,
  largeSize: quick ? 64 * MiB : 1024 * MiB,
  chunkSize: 10 * MiB,
  manifestSeconds: quick ? 3 : 10,
  tokenSeconds: quick ? 3 : 5,
  manifestMaxRequests: 2_000_000,
  tagCount: quick ? 500 : 10_000,
  tagListRuns: quick ? 3 : 10,
  /** Runs of each blob step; the median is reported (one run swings with the machine). */
  blobRuns: quick ? 1 : 3,
  /** Pulls are short and swing most: more runs. */
  pullRuns: quick ? 1 : 7,
  workers: 32,
};

// ---------------------------------------------------------------------------------------------
// Deterministic content: blob `seed` of `size` bytes is a random 1 MiB block with each MiB's
// first 16 bytes replaced by (seed, index). Generated twice (hash, then upload), never held whole.
const block = crypto.randomBytes(MiB);
function* blobChunks(seed: number, size: number, chunk = MiB): Generator<Buffer> {
  for (let off = 0; off < size; off += chunk) {
    const len = Math.min(chunk, size - off);
    const buf = Buffer.allocUnsafe(len);
    for (let o = 0; o < len; o += MiB) {
      const n = Math.min(MiB, len - o);
      block.copy(buf, o, 0, n);
      const abs = off + o;
      if (n >= 16) {
        buf.writeUInt32BE(seed, o);
        buf.writeDoubleBE(abs / MiB, o + 4);
        buf.writeUInt32BE(0xbe47, o + 12);
      }
    }
    yield buf;
  }
}
const SMALL_REPO = 'library/bench-small';
const LARGE_REPO = 'library/bench-large';
const CHUNKED_REPO = 'library/bench-chunked';
const BLOB_REPOS = [SMALL_REPO, LARGE_REPO, CHUNKED_REPO];
const digestCache = new Map<string, string>();
function blobDigest(seed: number, size: number): string {
  const key = `${seed}/${size}`;
  let d = digestCache.get(key);
  if (!d) {
    const h = crypto.createHash('sha256');
    for (const c of blobChunks(seed, size)) h.update(c);
    d = `sha256:${h.digest('hex')}`;
    digestCache.set(key, d);
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// Minimal HTTP over node:http (streams with Content-Length, keep-alive, no body buffering).
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  bytes: number;
}
function request(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: Buffer | Readable,
  opts: { discard?: boolean } = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const parts: Buffer[] = [];
      let bytes = 0;
      res.on('data', (d: Buffer) => {
        bytes += d.length;
        if (!opts.discard) parts.push(d);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts),
          bytes,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });
}
const expectStatus = (r: Res, want: number[], what: string): Res => {
  if (!want.includes(r.status))
    throw new Error(`${what}: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
  return r;
};

class Client {
  constructor(
    readonly reg: RegistryInstance,
    private readonly auth: RegistryHttp,
  ) {}
  // Credentials are fetched once per repository and kept, for every target alike: with a token
  // (Berth) and without auth (distribution, where RegistryHttp would probe /v2/ on every call).
  private readonly credentials = new Map<string, Promise<string | undefined>>();
  async headers(repo: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
    let a = this.credentials.get(repo);
    if (!a)
      this.credentials.set(repo, (a = this.auth.authorization(`repository:${repo}:pull,push`)));
    const value = await a;
    return value ? { authorization: value, ...extra } : extra;
  }
  abs(location: string | string[] | undefined): string {
    if (typeof location !== 'string') throw new Error('no Location header');
    return new URL(location, this.reg.url).toString();
  }
  withDigest(location: string, digest: string): string {
    const u = new URL(location);
    u.searchParams.set('digest', digest);
    return u.toString();
  }
  async startUpload(repo: string): Promise<string> {
    const r = await request('POST', `${this.reg.url}/v2/${repo}/blobs/uploads/`, {
      ...(await this.headers(repo)),
      'content-length': '0',
    });
    return this.abs(expectStatus(r, [202], 'POST upload').headers.location);
  }
  async pushMonolithic(repo: string, seed: number, size: number): Promise<string> {
    const digest = blobDigest(seed, size);
    const loc = await this.startUpload(repo);
    const r = await request(
      'PUT',
      this.withDigest(loc, digest),
      {
        ...(await this.headers(repo)),
        'content-type': 'application/octet-stream',
        'content-length': String(size),
      },
      size <= 4 * MiB
        ? Buffer.concat([...blobChunks(seed, size)])
        : Readable.from(blobChunks(seed, size)),
    );
    expectStatus(r, [201], 'PUT blob');
    return digest;
  }
  async pushChunked(repo: string, seed: number, size: number, chunk: number): Promise<string> {
    const digest = blobDigest(seed, size);
    let loc = await this.startUpload(repo);
    let off = 0;
    for (const c of blobChunks(seed, size, chunk)) {
      const r = await request(
        'PATCH',
        loc,
        {
          ...(await this.headers(repo)),
          'content-type': 'application/octet-stream',
          'content-length': String(c.length),
          'content-range': `${off}-${off + c.length - 1}`,
        },
        c,
      );
      loc = this.abs(expectStatus(r, [202], `PATCH at ${off}`).headers.location);
      off += c.length;
    }
    const r = await request('PUT', this.withDigest(loc, digest), {
      ...(await this.headers(repo)),
      'content-length': '0',
    });
    expectStatus(r, [201], 'PUT (close chunked upload)');
    return digest;
  }
  async pull(repo: string, digest: string): Promise<number> {
    let url = `${this.reg.url}/v2/${repo}/blobs/${digest}`;
    for (let hop = 0; hop < 3; hop++) {
      const r = await request('GET', url, await this.headers(repo), undefined, { discard: true });
      if (r.status === 307 || r.status === 302) {
        url = this.abs(r.headers.location);
        continue;
      }
      return expectStatus(r, [200], 'GET blob').bytes;
    }
    throw new Error('too many redirects');
  }
  async putManifest(repo: string, ref: string, body: Buffer, mediaType: string): Promise<void> {
    const r = await request(
      'PUT',
      `${this.reg.url}/v2/${repo}/manifests/${ref}`,
      {
        ...(await this.headers(repo)),
        'content-type': mediaType,
        'content-length': String(body.length),
      },
      body,
    );
    expectStatus(r, [201], `PUT manifest ${ref}`);
  }
  /** Pushes a tiny image (config + one layer) and returns its manifest. */
  async pushImage(repo: string, tag: string): Promise<Buffer> {
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    );
    const layer = crypto.randomBytes(4096);
    const put = async (data: Buffer): Promise<{ digest: string; size: number }> => {
      const digest = `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;
      const loc = await this.startUpload(repo);
      const r = await request(
        'PUT',
        this.withDigest(loc, digest),
        {
          ...(await this.headers(repo)),
          'content-type': 'application/octet-stream',
          'content-length': String(data.length),
        },
        data,
      );
      expectStatus(r, [201], 'PUT blob');
      return { digest, size: data.length };
    };
    const c = await put(config);
    const l = await put(layer);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...c },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l }],
      }),
    );
    await this.putManifest(repo, tag, manifest, 'application/vnd.oci.image.manifest.v1+json');
    return manifest;
  }
}

/** Runs fn over items with `n` in flight at once. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// RSS of a process group (the spawned process is its group's leader): the peak over the whole
// run and the peak inside windows opened with window().
class RssSampler {
  peakKiB = 0;
  /** Peak of each named window (several calls with one name share a peak). */
  readonly windowPeaks = new Map<string, number>();
  private current: string | undefined;
  private timer: NodeJS.Timeout;
  constructor(private readonly pgid: number) {
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }
  /** Current RSS of the group, in KiB. */
  sample(): number {
    let total = 0;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) !== this.pgid) continue; // field 5: pgrp
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'));
        if (m) total += Number(m[1]);
      } catch {
        // process went away
      }
    }
    this.peakKiB = Math.max(this.peakKiB, total);
    if (this.current !== undefined)
      this.windowPeaks.set(this.current, Math.max(this.windowPeaks.get(this.current) ?? 0, total));
    return total;
  }
  /** Runs fn while tracking the peak of window `name`. */
  async window<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.current = name;
    this.sample();
    try {
      return await fn();
    } finally {
      this.sample();
      this.current = undefined;
    }
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakKiB;
  }
}

/**
 * A 64 MiB blob pushed whole and in chunks, and pulled, before the idle baseline is taken: a
 * process's first requests compile and cache code paths (Berth's heap grows ~30 MiB on its first
 * upload, once) and fill its buffer pools, which is the steady state of a server that has served
 * anything, not memory held for streaming.
 */
async function warmUp(t: Target): Promise<void> {
  const seed = 9 * 10_000;
  const size = Math.min(64 * MiB, cfg.largeSize);
  const digest = await t.client.pushMonolithic(SMALL_REPO, seed, size);
  await t.client.pushChunked(CHUNKED_REPO, seed + 1, size, cfg.chunkSize);
  await t.client.pull(SMALL_REPO, digest);
}

/** Idle RSS: the lowest of a few samples a moment after start, once startup garbage is gone. */
async function idleBaseline(sampler: RssSampler): Promise<number> {
  let low = Infinity;
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    low = Math.min(low, sampler.sample());
  }
  return low;
}

interface RssFigures {
  baselineKiB: number;
  peakKiB: number;
  /** Peak of each streaming window (push, chunked push, pull of the large blob). */
  windowPeaks: Map<string, number>;
}

// ---------------------------------------------------------------------------------------------
interface Figure {
  value: number;
  unit: string;
  /** true when larger is better (throughput), false for latencies. */
  higherBetter: boolean;
}
type Results = Map<string, Figure | Error>;

const run = (cmd: string, argv: string[], input?: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      argv,
      { maxBuffer: 256 * MiB, timeout: 120_000, killSignal: 'SIGKILL' },
      (err, out, errOut) =>
        err ? reject(new Error(`${path.basename(cmd)}: ${err.message}\n${errOut}`)) : resolve(out),
    );
    // A command that exits without reading its input (sync) closes the pipe first.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });

async function vegeta(
  tmp: string,
  name: string,
  method: 'GET' | 'HEAD',
  url: string,
  headers: Record<string, string>,
  seconds = cfg.manifestSeconds,
): Promise<{ rps: number; p50ms: number; p99ms: number; success: number; requests: number }> {
  const targets = path.join(tmp, `${name}.targets`);
  fs.writeFileSync(
    targets,
    [`${method} ${url}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), ''].join('\n'),
  );
  const bin = path.join(tmp, `${name}.bin`);
  await run(ociTool('vegeta'), [
    'attack',
    `-targets=${targets}`,
    '-rate=0',
    `-workers=${cfg.workers}`,
    `-max-workers=${cfg.workers}`,
    `-duration=${seconds}s`,
    `-output=${bin}`,
    '-keepalive=true',
    '-http2=false',
    '-timeout=10s',
  ]);
  const report = JSON.parse(await run(ociTool('vegeta'), ['report', '-type=json', bin])) as {
    requests: number;
    throughput: number;
    success: number;
    latencies: { '50th': number; '99th': number };
  };
  fs.rmSync(bin, { force: true });
  return {
    rps: report.throughput,
    p50ms: report.latencies['50th'] / 1e6,
    p99ms: report.latencies['99th'] / 1e6,
    success: report.success,
    requests: report.requests,
  };
}

interface Target {
  name: string;
  reg: RegistryInstance;
  client: Client;
  rss: RssSampler;
  results: Results;
}

/**
 * Runs every step on every target. The blob steps alternate between targets run by run, each
 * run after a `sync` (so one target's dirty pages are not flushed on the next one's time), and
 * report each target's median: the machine's speed drifts over a minute, and interleaving puts
 * the targets under the same drift.
 */
async function benchAll(targets: Target[], tmp: string): Promise<void> {
  const selected = (label: string): boolean => !steps || steps.some((word) => label.includes(word));
  const fail = (t: Target, label: string, e: unknown): void => {
    t.results.set(label, e instanceof Error ? e : new Error(String(e)));
    process.stderr.write(`[bench] ${t.name}: ${label} failed: ${String(e).slice(0, 300)}\n`);
  };
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const sync = (): Promise<string> => run('sync', []);
  /**
   * `runs` timed runs of `fn` on each target, interleaved; `prepare` runs untimed before each.
   * Sets the median, as `figure(seconds)`, under `label`.
   */
  const timedStep = async (
    label: string,
    runs: number,
    fn: (t: Target, run: number) => Promise<void>,
    figure: (seconds: number) => Figure,
    opts: { prepare?: (run: number) => void; rssWindow?: string } = {},
  ): Promise<void> => {
    if (!selected(label)) return;
    const times = new Map<Target, number[]>(targets.map((t) => [t, []]));
    for (let i = 0; i < runs; i++) {
      opts.prepare?.(i);
      for (const t of targets) {
        if (t.results.get(label) instanceof Error) continue;
        try {
          // The token exchange (a password check) is not part of what a step measures.
          for (const repo of BLOB_REPOS) await t.client.headers(repo);
          await sync();
          const measure = async (): Promise<number> => {
            const t0 = process.hrtime.bigint();
            await fn(t, i);
            return Number(process.hrtime.bigint() - t0) / 1e9;
          };
          const seconds = opts.rssWindow
            ? await t.rss.window(opts.rssWindow, measure)
            : await measure();
          times.get(t)?.push(seconds);
          const f = figure(seconds);
          process.stderr.write(
            `[bench] ${t.name}: ${label} (run ${i + 1}/${runs}): ${f.value.toFixed(0)} ${f.unit}\n`,
          );
        } catch (e) {
          fail(t, label, e);
        }
      }
    }
    for (const t of targets) {
      const ts = times.get(t) ?? [];
      if (!(t.results.get(label) instanceof Error) && ts.length > 0)
        t.results.set(label, figure(median(ts)));
    }
  };
  const mbps =
    (bytes: number) =>
    (s: number): Figure => ({ value: bytes / MiB / s, unit: 'MiB/s', higherBetter: true });
  const runsNote = (runs: number): string => (runs > 1 ? `, median of ${runs}` : '');
  const seedsOf = (first: number, run: number, count = 1): number[] =>
    Array.from({ length: count }, (_, k) => first * 10_000 + run * count + k);

  const small = `push ${cfg.smallCount} x 1 MiB (monolithic, 8 parallel${runsNote(cfg.blobRuns)})`;
  await timedStep(
    small,
    cfg.blobRuns,
    (t, i) =>
      pool(
        seedsOf(1, i, cfg.smallCount),
        8,
        async (seed) => void (await t.client.pushMonolithic(SMALL_REPO, seed, cfg.smallSize)),
      ),
    (s) => ({ value: cfg.smallCount / s, unit: 'blobs/s', higherBetter: true }),
    {
      prepare: (i) => {
        for (const seed of seedsOf(1, i, cfg.smallCount)) blobDigest(seed, cfg.smallSize);
      },
    },
  );
  const medium = `push ${cfg.mediumSize / MiB} MiB (monolithic${runsNote(cfg.blobRuns)})`;
  await timedStep(
    medium,
    cfg.blobRuns,
    async (t, i) =>
      void (await t.client.pushMonolithic(LARGE_REPO, seedsOf(2, i)[0], cfg.mediumSize)),
    mbps(cfg.mediumSize),
    { prepare: (i) => void blobDigest(seedsOf(2, i)[0], cfg.mediumSize) },
  );
  const large = `push ${cfg.largeSize / MiB} MiB (monolithic${runsNote(cfg.blobRuns)})`;
  await timedStep(
    large,
    cfg.blobRuns,
    async (t, i) =>
      void (await t.client.pushMonolithic(LARGE_REPO, seedsOf(3, i)[0], cfg.largeSize)),
    mbps(cfg.largeSize),
    { prepare: (i) => void blobDigest(seedsOf(3, i)[0], cfg.largeSize), rssWindow: 'push' },
  );
  const chunked = `push ${cfg.largeSize / MiB} MiB (chunked, 10 MiB PATCH${runsNote(cfg.blobRuns)})`;
  await timedStep(
    chunked,
    cfg.blobRuns,
    async (t, i) =>
      void (await t.client.pushChunked(
        CHUNKED_REPO,
        seedsOf(4, i)[0],
        cfg.largeSize,
        cfg.chunkSize,
      )),
    mbps(cfg.largeSize),
    { prepare: (i) => void blobDigest(seedsOf(4, i)[0], cfg.largeSize), rssWindow: 'chunked push' },
  );
  const pull = `pull ${cfg.largeSize / MiB} MiB blob${runsNote(cfg.pullRuns)}`;
  if (selected(pull)) {
    // The pulled blob is pushed outside the measurement (again, when the push step ran).
    const seed = 5 * 10_000;
    for (const t of targets)
      await t.client.pushMonolithic(LARGE_REPO, seed, cfg.largeSize).catch((e) => fail(t, pull, e));
    const digest = blobDigest(seed, cfg.largeSize);
    await timedStep(
      pull,
      cfg.pullRuns,
      async (t) => {
        const bytes = await t.client.pull(LARGE_REPO, digest);
        if (bytes !== cfg.largeSize)
          throw new Error(`pulled ${bytes} bytes, want ${cfg.largeSize}`);
      },
      mbps(cfg.largeSize),
      { rssWindow: 'pull' },
    );
  }

  for (const t of targets) {
    const c = t.client;
    const step = async (label: string, fn: () => Promise<void>): Promise<void> => {
      if (!selected(label)) return;
      process.stderr.write(`[bench] ${t.name}: ${label} ...\n`);
      await fn().catch((e: unknown) => fail(t, label, e));
    };
    await step('manifest by tag', async () => {
      await c.pushImage('library/bench-manifest', 'latest');
      const headers = {
        ...(await c.headers('library/bench-manifest')),
        accept: 'application/vnd.oci.image.manifest.v1+json',
      };
      for (const method of ['GET', 'HEAD'] as const) {
        const r = await vegeta(
          tmp,
          `manifest-${method}`,
          method,
          `${t.reg.url}/v2/library/bench-manifest/manifests/latest`,
          headers,
        );
        const label = `manifest ${method} by tag, ${cfg.workers} workers`;
        if (r.success < 1)
          t.results.set(label, new Error(`success ratio ${r.success} of ${r.requests}`));
        else {
          t.results.set(`${label}: req/s`, { value: r.rps, unit: 'req/s', higherBetter: true });
          t.results.set(`${label}: p99`, { value: r.p99ms, unit: 'ms', higherBetter: false });
        }
      }
    });

    const tokenLabel = `token issue (GET /service/token, Basic), ${cfg.workers} workers`;
    await step(tokenLabel, async () => {
      const realm = await tokenRealm(t);
      if (!realm) return; // no token service (distribution): no row
      // Repeated Basic auth, as docker sends it: the admin's first request pays a scrypt, the
      // rest hit the verification cache (VerifiedCredentialCache); a robot's secret is a SHA-256.
      const robot = await createRobot(t, 'bench-token');
      const url = `${realm}?service=berth-registry&scope=${encodeURIComponent('repository:library/bench-manifest:pull')}`;
      const callers = [
        ['admin, password', basic(t.reg.username ?? '', t.reg.password ?? '')],
        ['robot, secret', basic(robot.name, robot.secret)],
      ] as const;
      for (const [who, authorization] of callers) {
        const r = await vegeta(tmp, 'token', 'GET', url, { authorization }, cfg.tokenSeconds);
        const label = `token issue, ${who} (GET /service/token), ${cfg.workers} workers`;
        if (r.success < 1)
          t.results.set(label, new Error(`success ratio ${r.success} of ${r.requests}`));
        else {
          t.results.set(`${label}: tokens/s`, { value: r.rps, unit: 'req/s', higherBetter: true });
          t.results.set(`${label}: p99`, { value: r.p99ms, unit: 'ms', higherBetter: false });
        }
      }
    });

    // Berth, like Harbor, has no unauthenticated /v2/: an anonymous pull of a public project
    // carries an anonymous token, checked like any other (signature verified once, then a cache
    // hit and a scan of its access list). That is the least authorization work Berth does, so
    // it is the baseline "without auth checks" for a user's token: the registry trusts the
    // token's claims and never looks the user up, so the two should cost the same. A build
    // without the check would measure a registry nobody runs. Distribution's column is its
    // unauthenticated GET, for scale.
    const overheadLabel = `manifest GET by tag, public project, ${cfg.workers} workers`;
    await step(`${overheadLabel} (auth overhead)`, async () => {
      const realm = await tokenRealm(t);
      const repo = realm ? 'bench-public/app' : 'library/bench-public';
      if (realm) await createPublicProject(t, 'bench-public');
      await c.pushImage(repo, 'latest');
      const accept = { accept: 'application/vnd.oci.image.manifest.v1+json' };
      const variants: Array<[string, Record<string, string>]> = [
        ['anonymous', realm ? { ...(await anonymousToken(realm, repo)), ...accept } : accept],
      ];
      if (realm) variants.push(['user bearer', { ...(await c.headers(repo)), ...accept }]);
      const rates = new Map<string, number[]>(variants.map(([name]) => [name, []]));
      const p99s = new Map<string, number[]>(variants.map(([name]) => [name, []]));
      const url = `${t.reg.url}/v2/${repo}/manifests/latest`;
      // An untimed second of each first, so neither variant pays for the first requests' JIT.
      for (const [, headers] of variants)
        await vegeta(tmp, 'manifest-auth', 'GET', url, headers, 1);
      for (let i = 0; i < cfg.blobRuns; i++)
        for (const [name, headers] of variants) {
          const r = await vegeta(tmp, 'manifest-auth', 'GET', url, headers);
          if (r.success < 1)
            throw new Error(`${name}: success ratio ${r.success} of ${r.requests}`);
          rates.get(name)?.push(r.rps);
          p99s.get(name)?.push(r.p99ms);
        }
      const runs = runsNote(cfg.blobRuns);
      for (const [name] of variants) {
        // One row for both targets: distribution's anonymous GET has no auth at all.
        const shown = name === 'anonymous' ? 'anonymous (distribution: no auth)' : name;
        const label = `${overheadLabel}, ${shown}${runs}`;
        t.results.set(`${label}: req/s`, {
          value: median(rates.get(name) ?? []),
          unit: 'req/s',
          higherBetter: true,
        });
        t.results.set(`${label}: p99`, {
          value: median(p99s.get(name) ?? []),
          unit: 'ms',
          higherBetter: false,
        });
      }
      if (realm)
        t.results.set(`${overheadLabel}: user bearer / anonymous req/s`, {
          value: median(rates.get('user bearer') ?? []) / median(rates.get('anonymous') ?? []),
          unit: 'x',
          higherBetter: true,
        });
    });

    const tagsLabel = `tags list of ${cfg.tagCount} tags`;
    await step(tagsLabel, async () => {
      const manifest = await c.pushImage('library/bench-tags', 'tag-00000');
      const tags = Array.from(
        { length: cfg.tagCount - 1 },
        (_, i) => `tag-${String(i + 1).padStart(5, '0')}`,
      );
      await pool(tags, 16, (tag) =>
        c.putManifest(
          'library/bench-tags',
          tag,
          manifest,
          'application/vnd.oci.image.manifest.v1+json',
        ),
      );
      const headers = await c.headers('library/bench-tags');
      const times: number[] = [];
      for (let i = 0; i < cfg.tagListRuns; i++) {
        let count = 0;
        const t0 = process.hrtime.bigint();
        let url: string | undefined = `${t.reg.url}/v2/library/bench-tags/tags/list`;
        for (let page = 0; url && page < 1000; page++) {
          const r = expectStatus(await request('GET', url, headers), [200], 'tags list');
          count += ((JSON.parse(r.body.toString('utf8')) as { tags: string[] | null }).tags ?? [])
            .length;
          const link = /<([^>]+)>;\s*rel="?next"?/.exec(String(r.headers.link ?? ''))?.[1];
          url = link ? new URL(link, t.reg.url).toString() : undefined;
        }
        times.push(Number(process.hrtime.bigint() - t0) / 1e9);
        if (count !== cfg.tagCount) throw new Error(`listed ${count} tags, want ${cfg.tagCount}`);
      }
      t.results.set(`${tagsLabel} (median of ${cfg.tagListRuns})`, {
        value: median(times) * 1000,
        unit: 'ms',
        higherBetter: false,
      });
    });
  }
}

/** The token endpoint named by the target's /v2/ challenge; undefined without token auth. */
async function tokenRealm(t: Target): Promise<string | undefined> {
  const r = await request('GET', `${t.reg.url}/v2/`, {});
  return /^Bearer\s.*realm="([^"]+)"/i.exec(String(r.headers['www-authenticate'] ?? ''))?.[1];
}

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const adminBasic = (t: Target): Record<string, string> => ({
  authorization: basic(t.reg.username ?? '', t.reg.password ?? ''),
});

/** A system robot that may pull from every project, through the Harbor API. */
async function createRobot(t: Target, name: string): Promise<{ name: string; secret: string }> {
  const body = Buffer.from(
    JSON.stringify({
      name,
      level: 'system',
      duration: -1,
      permissions: [
        {
          kind: 'project',
          namespace: '*',
          access: [{ resource: 'repository', action: 'pull' }],
        },
      ],
    }),
  );
  const r = await request(
    'POST',
    `${t.reg.apiUrl ?? t.reg.url}/api/v2.0/robots`,
    { ...adminBasic(t), 'content-type': 'application/json' },
    body,
  );
  return JSON.parse(expectStatus(r, [201], 'POST robot').body.toString('utf8')) as {
    name: string;
    secret: string;
  };
}

async function createPublicProject(t: Target, name: string): Promise<void> {
  const body = Buffer.from(JSON.stringify({ project_name: name, metadata: { public: 'true' } }));
  const r = await request(
    'POST',
    `${t.reg.apiUrl ?? t.reg.url}/api/v2.0/projects`,
    { ...adminBasic(t), 'content-type': 'application/json' },
    body,
  );
  expectStatus(r, [201, 409], 'POST project');
}

/** A token obtained without credentials, as `docker pull` of a public image does. */
async function anonymousToken(realm: string, repo: string): Promise<Record<string, string>> {
  const url = `${realm}?service=berth-registry&scope=${encodeURIComponent(`repository:${repo}:pull`)}`;
  const r = expectStatus(await request('GET', url, {}), [200], 'anonymous token');
  const { token } = JSON.parse(r.body.toString('utf8')) as { token: string };
  return { authorization: `Bearer ${token}` };
}

// ---------------------------------------------------------------------------------------------
function printTable(names: string[], all: Results[], rss: (RssFigures | undefined)[]): void {
  const rows = new Set<string>();
  for (const r of all) for (const k of r.keys()) rows.add(k);
  const fmt = (f: Figure | Error | undefined): string =>
    f === undefined
      ? '-'
      : f instanceof Error
        ? 'ERR'
        : `${f.value >= 100 ? f.value.toFixed(0) : f.value.toFixed(2)} ${f.unit}`;
  const header = ['measure', ...names, ...names.slice(1).map((n) => `${n}/distribution`)];
  const lines: string[][] = [header];
  for (const row of rows) {
    const cells = all.map((r) => r.get(row));
    const base = cells[0];
    const ratios = cells
      .slice(1)
      .map((f) =>
        f && !(f instanceof Error) && base && !(base instanceof Error)
          ? `${(f.value / base.value).toFixed(2)}x`
          : '-',
      );
    lines.push([row, ...cells.map(fmt), ...ratios]);
  }
  const mib = (k: number): string => `${(k / 1024).toFixed(0)} MiB`;
  const rssRow = (label: string, of: (r: RssFigures) => number): void => {
    const base = rss[0] && of(rss[0]);
    lines.push([
      label,
      ...rss.map((r) => (r ? mib(of(r)) : '-')),
      ...rss.slice(1).map((r) => (r && base ? `${(of(r) / base).toFixed(2)}x` : '-')),
    ]);
  };
  rssRow('RSS idle baseline after warm-up (VmRSS, process group)', (r) => r.baselineKiB);
  rssRow('RSS peak, whole run', (r) => r.peakKiB);
  const windows = [...new Set(rss.flatMap((r) => (r ? [...r.windowPeaks.keys()] : [])))];
  const growth = (r: RssFigures, w: string): number =>
    Math.max(0, (r.windowPeaks.get(w) ?? r.baselineKiB) - r.baselineKiB);
  for (const w of windows)
    rssRow(`RSS growth over baseline, ${cfg.largeSize / MiB} MiB ${w}`, (r) => growth(r, w));
  if (windows.length > 0)
    rssRow(`RSS growth while streaming ${cfg.largeSize / MiB} MiB (max)`, (r) =>
      Math.max(...windows.map((w) => growth(r, w))),
    );
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  const out = lines.map((l) =>
    l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '),
  );
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  console.log(`\n${out.join('\n')}\n`);
  console.log(
    'ratios are target/distribution: above 1 is better for /s rows, below 1 for ms and RSS rows.',
  );
  for (const [i, r] of all.entries())
    for (const [k, v] of r)
      if (v instanceof Error)
        console.log(`${names[i]}: ${k}: ${v.message.split('\n')[0].slice(0, 200)}`);
}

function berthOptions(mode: 'all-in-one' | 'distributed'): StartBerthOptions {
  if (!cpuProfDir) return { logLevel: 'error' };
  const dir = path.resolve(cpuProfDir, mode.replace(/\W+/g, '-'));
  fs.mkdirSync(dir, { recursive: true });
  const preload = path.join(__dirname, 'cpu-profile.preload.cjs');
  return {
    logLevel: 'error',
    env: { NODE_OPTIONS: `--require ${preload}`, BERTH_BENCH_CPU_PROF_DIR: dir },
  };
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-'));
  const targets: { name: string; start: () => Promise<RegistryInstance> }[] = [
    {
      name: 'distribution',
      start: () => startDistributionRegistry({ storageDir: path.join(tmp, 'distribution') }),
    },
    { name: 'berth all-in-one', start: () => startBerth('all-in-one', berthOptions('all-in-one')) },
  ];
  if (args.has('--distributed'))
    targets.push({
      name: 'berth distributed',
      start: () => startBerth('distributed', berthOptions('distributed')),
    });
  const selected = only ? targets.filter((t) => t.name.startsWith(only)) : targets;
  const running: RegistryInstance[] = [];
  const stopAll = async (): Promise<void> => {
    for (const r of running.splice(0)) await r.stop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (): void => void stopAll().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const t0 = Date.now();
  const started: Target[] = [];
  const baselines = new Map<Target, number>();
  try {
    ociTool('vegeta');
    for (const t of selected) {
      try {
        const reg = await t.start();
        running.push(reg);
        started.push({
          name: t.name,
          reg,
          client: new Client(reg, new RegistryHttp(reg)),
          rss: new RssSampler(reg.pid),
          results: new Map(),
        });
      } catch (e) {
        process.stderr.write(`[bench] ${t.name} did not start: ${String(e).slice(0, 500)}\n`);
      }
    }
    for (const t of started) {
      await warmUp(t);
      baselines.set(t, await idleBaseline(t.rss));
    }
    await benchAll(started, tmp);
    const all: Results[] = [];
    const rss: (RssFigures | undefined)[] = [];
    for (const t of selected) {
      const s = started.find((x) => x.name === t.name);
      if (!s) {
        all.push(new Map([['start', new Error('did not start')]]));
        rss.push(undefined);
        continue;
      }
      all.push(s.results);
      rss.push({
        baselineKiB: baselines.get(s) ?? 0,
        peakKiB: s.rss.stop(),
        windowPeaks: s.rss.windowPeaks,
      });
    }
    printTable(
      selected.map((t) => t.name),
      all,
      rss,
    );
    console.log(`total ${((Date.now() - t0) / 1000).toFixed(0)} s${quick ? ' (--quick)' : ''}`);
  } finally {
    agent.destroy();
    await stopAll();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
