// Registry benchmark: Berth against the CNCF distribution registry, same machine, same run.
//
//   node -r @swc-node/register tools/bench/registry.bench.ts [--distributed] [--quick] [--only=distribution]
//     [--steps=manifest,tags]   run only the steps whose label contains one of these words
//     [--cpu-prof=<dir>]   write a V8 CPU profile of each Berth Node process into <dir> (on exit)
//
// Repositories live in the `library` project (Berth, like Harbor, needs an existing project).
// Starts the distribution registry (filesystem storage, loopback) and Berth all-in-one (plus
// Berth distributed with --distributed), then measures on each, one after the other:
//   - monolithic blob push (POST + PUT ?digest=) of 200 x 1 MiB, one 100 MiB and one 1 GiB blob
//   - chunked push of 1 GiB in 10 MiB PATCH chunks
//   - pull of the 1 GiB blob
//   - manifest GET and HEAD by tag, 32 workers for a fixed time (vegeta -rate=0 -max-workers=32)
//   - the tag list of a repository with 10,000 tags
// and prints one table: each figure for every target, the ratio Berth/distribution, and the
// RSS of each target's processes (VmRSS summed over the process group, sampled every 100 ms):
// the idle baseline after start, the peak over the whole run, and the peak growth over the
// baseline while the 1 GiB blob is pushed (monolithic and chunked) and pulled. Berth needs a bearer token
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
  manifestMaxRequests: 2_000_000,
  tagCount: quick ? 500 : 10_000,
  tagListRuns: quick ? 3 : 10,
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
  private windowPeakKiB = 0;
  private inWindow = false;
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
    if (this.inWindow) this.windowPeakKiB = Math.max(this.windowPeakKiB, total);
    return total;
  }
  /** Runs fn while tracking the peak; all windows share one peak. */
  async window<T>(fn: () => Promise<T>): Promise<T> {
    this.inWindow = true;
    this.sample();
    try {
      return await fn();
    } finally {
      this.sample();
      this.inWindow = false;
    }
  }
  get streamingPeakKiB(): number {
    return this.windowPeakKiB;
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakKiB;
  }
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
  streamingPeakKiB: number;
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
    child.stdin?.end(input ?? '');
  });

async function vegeta(
  tmp: string,
  name: string,
  method: 'GET' | 'HEAD',
  url: string,
  headers: Record<string, string>,
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
    `-duration=${cfg.manifestSeconds}s`,
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

async function benchTarget(reg: RegistryInstance, tmp: string, rss: RssSampler): Promise<Results> {
  const results: Results = new Map();
  const c = new Client(reg, new RegistryHttp(reg));
  const step = async (label: string, fn: () => Promise<void>): Promise<void> => {
    if (steps && !steps.some((word) => label.includes(word))) return;
    process.stderr.write(`[bench] ${reg.name}: ${label} ...\n`);
    try {
      await fn();
    } catch (e) {
      results.set(label, e instanceof Error ? e : new Error(String(e)));
      process.stderr.write(`[bench] ${reg.name}: ${label} failed: ${String(e).slice(0, 300)}\n`);
    }
  };
  const timed = async (fn: () => Promise<void>): Promise<number> => {
    // The token exchange (a password check) is not part of what a step measures: done before.
    for (const repo of ['library/bench-small', 'library/bench-large', 'library/bench-chunked'])
      await c.headers(repo);
    const t0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const mbps = (bytes: number, s: number): Figure => ({
    value: bytes / MiB / s,
    unit: 'MiB/s',
    higherBetter: true,
  });

  await step(`push ${cfg.smallCount} x 1 MiB (monolithic, 8 parallel)`, async () => {
    const seeds = Array.from({ length: cfg.smallCount }, (_, i) => 1000 + i);
    for (const s of seeds) blobDigest(s, cfg.smallSize);
    const s = await timed(() =>
      pool(
        seeds,
        8,
        async (seed) => void (await c.pushMonolithic('library/bench-small', seed, cfg.smallSize)),
      ),
    );
    results.set(`push ${cfg.smallCount} x 1 MiB (monolithic, 8 parallel)`, {
      value: cfg.smallCount / s,
      unit: 'blobs/s',
      higherBetter: true,
    });
  });
  const medium = `push ${cfg.mediumSize / MiB} MiB (monolithic)`;
  await step(medium, async () => {
    blobDigest(2, cfg.mediumSize);
    results.set(
      medium,
      mbps(
        cfg.mediumSize,
        await timed(
          async () => void (await c.pushMonolithic('library/bench-large', 2, cfg.mediumSize)),
        ),
      ),
    );
  });
  const large = `push ${cfg.largeSize / MiB} MiB (monolithic)`;
  let largeDigest: string | undefined;
  await step(large, async () => {
    blobDigest(3, cfg.largeSize);
    const s = await rss.window(() =>
      timed(
        async () =>
          void (largeDigest = await c.pushMonolithic('library/bench-large', 3, cfg.largeSize)),
      ),
    );
    results.set(large, mbps(cfg.largeSize, s));
  });
  const chunked = `push ${cfg.largeSize / MiB} MiB (chunked, 10 MiB PATCH)`;
  await step(chunked, async () => {
    blobDigest(4, cfg.largeSize);
    const s = await rss.window(() =>
      timed(
        async () =>
          void (await c.pushChunked('library/bench-chunked', 4, cfg.largeSize, cfg.chunkSize)),
      ),
    );
    results.set(chunked, mbps(cfg.largeSize, s));
  });
  const pull = `pull ${cfg.largeSize / MiB} MiB blob`;
  await step(pull, async () => {
    if (!largeDigest) throw new Error('no blob pushed to pull');
    let bytes = 0;
    const s = await rss.window(() =>
      timed(async () => void (bytes = await c.pull('library/bench-large', largeDigest as string))),
    );
    if (bytes !== cfg.largeSize) throw new Error(`pulled ${bytes} bytes, want ${cfg.largeSize}`);
    results.set(pull, mbps(bytes, s));
  });

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
        `${reg.url}/v2/library/bench-manifest/manifests/latest`,
        headers,
      );
      const label = `manifest ${method} by tag, ${cfg.workers} workers`;
      if (r.success < 1)
        results.set(`${label}`, new Error(`success ratio ${r.success} of ${r.requests}`));
      else {
        results.set(`${label}: req/s`, { value: r.rps, unit: 'req/s', higherBetter: true });
        results.set(`${label}: p99`, { value: r.p99ms, unit: 'ms', higherBetter: false });
      }
    }
  });

  const tagsLabel = `tags list of ${cfg.tagCount} tags`;
  await step(tagsLabel, async () => {
    const manifest = await c.pushImage('library/bench-tags', 'tag-00000');
    const tags = Array.from(
      { length: cfg.tagCount - 1 },
      (_, i) => `tag-${String(i + 1).padStart(5, '0')}`,
    );
    await pool(tags, 16, (t) =>
      c.putManifest(
        'library/bench-tags',
        t,
        manifest,
        'application/vnd.oci.image.manifest.v1+json',
      ),
    );
    const times: number[] = [];
    for (let i = 0; i < cfg.tagListRuns; i++) {
      let count = 0;
      times.push(
        await timed(async () => {
          let url: string | undefined = `${reg.url}/v2/library/bench-tags/tags/list`;
          for (let page = 0; url && page < 1000; page++) {
            const r = expectStatus(
              await request('GET', url, await c.headers('library/bench-tags')),
              [200],
              'tags list',
            );
            count += ((JSON.parse(r.body.toString('utf8')) as { tags: string[] | null }).tags ?? [])
              .length;
            const link = /<([^>]+)>;\s*rel="?next"?/.exec(String(r.headers.link ?? ''))?.[1];
            url = link ? new URL(link, reg.url).toString() : undefined;
          }
        }),
      );
      if (count !== cfg.tagCount) throw new Error(`listed ${count} tags, want ${cfg.tagCount}`);
    }
    times.sort((a, b) => a - b);
    results.set(`${tagsLabel} (median of ${cfg.tagListRuns})`, {
      value: times[Math.floor(times.length / 2)] * 1000,
      unit: 'ms',
      higherBetter: false,
    });
  });
  return results;
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
  rssRow('RSS idle baseline (VmRSS, process group)', (r) => r.baselineKiB);
  rssRow('RSS peak, whole run', (r) => r.peakKiB);
  rssRow(`RSS peak while streaming ${cfg.largeSize / MiB} MiB`, (r) => r.streamingPeakKiB);
  rssRow(`RSS growth while streaming ${cfg.largeSize / MiB} MiB`, (r) =>
    Math.max(0, r.streamingPeakKiB - r.baselineKiB),
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
  const all: Results[] = [];
  const rss: (RssFigures | undefined)[] = [];
  const t0 = Date.now();
  try {
    ociTool('vegeta');
    for (const t of selected) {
      let reg: RegistryInstance;
      try {
        reg = await t.start();
      } catch (e) {
        all.push(new Map([['start', e instanceof Error ? e : new Error(String(e))]]));
        rss.push(undefined);
        process.stderr.write(`[bench] ${t.name} did not start: ${String(e).slice(0, 500)}\n`);
        continue;
      }
      running.push(reg);
      const sampler = new RssSampler(reg.pid);
      const baselineKiB = await idleBaseline(sampler);
      all.push(await benchTarget(reg, tmp, sampler));
      rss.push({
        baselineKiB,
        peakKiB: sampler.stop(),
        streamingPeakKiB: sampler.streamingPeakKiB,
      });
      await reg.stop();
      running.splice(running.indexOf(reg), 1);
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
