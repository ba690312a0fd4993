// Scan benchmark: Berth's image inventory and vulnerability matching against syft's inventory,
// same machine, same run, same OCI image layouts on disk.
//
//   node -r @swc-node/register tools/bench/scan.bench.ts [--quick] [--keep] [--runs=N] [--only=<image>]
//     [--big-mib=N]
//     --quick     the small comparison images only (no big image), one run each
//     --keep      keep the built images (cached under $TMPDIR/berth-scan-bench-<version>)
//     --big-mib   file content of the big image in MiB (default 1024)
//
// Images: `big-<N>mib` (1 GiB of file content, 10 gzip layers: mostly incompressible random
// files, many small files, and this machine's package databases spread across the layers: dpkg
// status, a node_modules tree, Python dist-info, Go binaries, Java archives; the last layer
// deletes a directory with a whiteout) and the comparison images of
// libs/scanning/domain/src/testing/fixture-images.ts.
// Built once into the cache (keyed by CACHE_VERSION; bump it when the images change).
// For each image, alternating, N times (default 3, the median is reported):
//   - Berth: a child Node process (tools/bench/scan-child.ts) walks the layout's layers with every
//     extractor and matches the packages against the curated OSV fixture set; its wall time, and
//     its peak RSS (process.resourceUsage().maxRSS, printed by the child)
//   - syft: `syft scan oci-dir:<layout> -o syft-json=<file>`, wall time and peak RSS
//     (ru_maxrss of RUSAGE_CHILDREN, read by a python3 wrapper)
// syft makes no network calls (update check off); it unpacks layers under TMPDIR, a directory of
// this run, removed at the end with every other temp file.
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  debianEntries,
  FIXTURE_IMAGE_NAMES,
  goBinaryEntries,
  goTool,
  javaEntries,
  nodeModulesSubset,
  pythonEntriesBySiteDir,
  syftInventoryKeys,
  COMPARED_ECOSYSTEMS,
  WORKSPACE_ROOT,
  writeFixtureImage,
} from '../../libs/scanning/domain/src/testing/fixture-images';
import {
  readOciImage,
  writeOciImage,
  type LayerEntry,
  type LayerSpec,
  type OciImageLayout,
} from '../../libs/scanning/domain/src/testing/oci-layout';
import type { ChildResult } from './scan-child';

const CACHE_VERSION = 'v1';
/** The curated OSV advisories the scanner's tests use (trimmed copies of public records). */
const OSV_FIXTURES = path.join(WORKSPACE_ROOT, 'libs/scanning/domain/src/osv/testing/advisories');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const runs = Number(
  args.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? (quick ? 1 : 3),
);
const MiB = 1024 * 1024;
const cfg = {
  bigImageBytes: Number(args.find((a) => a.startsWith('--big-mib='))?.slice(10) ?? 1024) * MiB,
  bigLayers: 10,
  /** Small files per layer of the big image (an image's many config files, scripts, docs). */
  smallFilesPerLayer: 2000,
  runTimeoutMs: 900_000,
};

// ---------------------------------------------------------------------------------------------
// The 1 GiB image.

/** `size` random bytes in 1 MiB chunks, generated while the layer is written. */
function randomBody(size: number): { size: number; chunks: () => Generator<Buffer> } {
  return {
    size,
    *chunks() {
      for (let left = size; left > 0; left -= MiB) yield crypto.randomBytes(Math.min(MiB, left));
    },
  };
}

/** Random files of layer `i`: many small ones and large ones adding up to `bytes`. */
function* randomFiles(i: number, bytes: number): Generator<LayerEntry> {
  let left = bytes;
  for (let k = 0; k < cfg.smallFilesPerLayer && left > 0; k++) {
    const size = Math.min(left, 512 + ((k * 7919) % 8192));
    left -= size;
    yield {
      kind: 'file',
      path: `usr/share/app${i}/conf/${k % 40}/f${k}.txt`,
      body: randomBody(size),
    };
  }
  for (let k = 0; left > 0; k++) {
    const size = Math.min(left, (1 + ((i + k * 5) % 24)) * MiB);
    left -= size;
    yield { kind: 'file', path: `opt/data/layer${i}/blob${k}.bin`, body: randomBody(size) };
  }
}

function contentBytes(entries: LayerEntry[]): number {
  let n = 0;
  for (const e of entries)
    if (e.kind === 'file') {
      const b = e.body;
      n +=
        typeof b === 'string'
          ? Buffer.byteLength(b)
          : Buffer.isBuffer(b)
            ? b.length
            : 'fromDisk' in b
              ? fs.statSync(b.fromDisk).size
              : b.size;
    }
  return n;
}

/** Package databases spread over the big image's layers, by layer index. */
function packageEntriesByLayer(workDir: string): Map<number, LayerEntry[]> {
  const go = goBinaryEntries(workDir);
  const java = javaEntries();
  return new Map<number, LayerEntry[]>([
    [0, debianEntries()],
    [2, nodeModulesSubset().entries],
    [4, pythonEntriesBySiteDir().flatMap((s) => s.entries)],
    [5, go[0]],
    [6, [...go[1], ...go[2]]],
    [8, java.flat()],
  ]);
}

async function writeBigImage(dir: string, workDir: string): Promise<OciImageLayout> {
  const packages = packageEntriesByLayer(workDir);
  const packageBytes = [...packages.values()].reduce((n, e) => n + contentBytes(e), 0);
  const perLayer = Math.floor((cfg.bigImageBytes - packageBytes) / cfg.bigLayers);
  const layers: LayerSpec[] = [];
  for (let i = 0; i < cfg.bigLayers; i++) {
    const own = packages.get(i) ?? [];
    async function* entries(): AsyncGenerator<LayerEntry> {
      yield* own;
      // The last layer deletes what the second one added under opt/data.
      if (i === cfg.bigLayers - 1) yield { kind: 'whiteout', path: 'opt/data/layer1' };
      yield* randomFiles(i, perLayer);
    }
    layers.push({ compression: 'gzip', gzipLevel: 1, entries: entries(), createdBy: `layer ${i}` });
  }
  return writeOciImage(dir, layers, { refName: 'big' });
}

// ---------------------------------------------------------------------------------------------

interface BenchImage {
  name: string;
  layout: OciImageLayout;
}

/** Builds an image into the cache unless a complete copy is there. */
async function cachedImage(
  cache: string,
  name: string,
  build: (dir: string) => Promise<OciImageLayout>,
): Promise<BenchImage> {
  const dir = path.join(cache, name);
  const done = path.join(cache, `${name}.complete`);
  if (fs.existsSync(done)) return { name, layout: await readOciImage(dir) };
  fs.rmSync(dir, { recursive: true, force: true });
  const t0 = Date.now();
  const layout = await build(dir);
  fs.writeFileSync(done, new Date().toISOString());
  process.stderr.write(
    `[bench] built ${name}: ${(layout.size / MiB).toFixed(1)} MiB, ${layout.layers.length} layers, ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  return { name, layout };
}

interface Sample {
  ms: number;
  /** Berth: the scan's own time inside the child, without process start and code loading. */
  innerMs?: number;
  rssKiB: number;
  packages: number;
  findings: number | null;
}

function runProcess(
  cmd: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(
      cmd,
      argv,
      { env, timeout: cfg.runTimeoutMs, maxBuffer: 64 * MiB },
      (err, stdout, stderr) => {
        const ms = performance.now() - t0;
        if (err)
          reject(
            new Error(
              `${path.basename(cmd)} ${argv.slice(0, 3).join(' ')}: ${err.message}\n${stderr.slice(-2000)}`,
            ),
          );
        else resolve({ stdout, stderr, ms });
      },
    );
  });
}

async function berthScan(
  layout: string,
  osvDir: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Sample> {
  const child = path.join(__dirname, 'scan-child.ts');
  const r = await runProcess(
    process.execPath,
    ['-r', '@swc-node/register', child, layout, ...(osvDir ? [`--osv=${osvDir}`] : [])],
    env,
  );
  const last = r.stdout.trim().split('\n').pop() ?? '';
  const result = JSON.parse(last) as ChildResult;
  return {
    ms: r.ms,
    innerMs: result.inventoryMs + (result.matchMs ?? 0),
    rssKiB: result.maxRssKiB,
    packages: result.comparedPackages,
    findings: result.findings,
  };
}

/** Runs a command and reports its wall time and peak RSS as python3's getrusage sees its child. */
const RUSAGE_WRAPPER = [
  'import resource, subprocess, sys, time',
  't = time.monotonic()',
  'r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)',
  'ms = (time.monotonic() - t) * 1000',
  'print("RUSAGE %d %.1f %d" % (r.returncode, ms, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss), file=sys.stderr)',
  'sys.exit(r.returncode)',
].join('\n');

async function syftScan(
  syft: string,
  layout: string,
  out: string,
  env: NodeJS.ProcessEnv,
): Promise<Sample> {
  const r = await runProcess(
    'python3',
    ['-c', RUSAGE_WRAPPER, syft, 'scan', `oci-dir:${layout}`, '-q', '-o', `syft-json=${out}`],
    env,
  );
  const m = /RUSAGE (\d+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`syft wrapper printed no usage: ${r.stderr.slice(-500)}`);
  const keys = syftInventoryKeys(fs.readFileSync(out, 'utf8'));
  fs.rmSync(out, { force: true });
  return {
    ms: Number(m[2]),
    rssKiB: Number(m[3]),
    packages: COMPARED_ECOSYSTEMS.reduce((n, e) => n + (keys.get(e)?.size ?? 0), 0),
    findings: null,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

interface Row {
  image: BenchImage;
  berth: Sample[] | Error;
  syft: Sample[] | Error;
}

function printTable(rows: Row[], matching: boolean): void {
  const header = [
    'image',
    'size',
    'layers',
    'Berth',
    'syft',
    'syft/Berth',
    'Berth in-process',
    'Berth peak RSS',
    'syft peak RSS',
    'Berth pkgs',
    'syft pkgs',
    ...(matching ? ['Berth findings'] : []),
  ];
  const sec = (ms: number): string =>
    ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
  const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
  const lines: string[][] = [header];
  for (const r of rows) {
    const b = r.berth instanceof Error ? undefined : r.berth;
    const s = r.syft instanceof Error ? undefined : r.syft;
    const bMs = b && median(b.map((x) => x.ms));
    const sMs = s && median(s.map((x) => x.ms));
    lines.push([
      r.image.name,
      `${(r.image.layout.size / MiB).toFixed(r.image.layout.size < 10 * MiB ? 2 : 0)} MiB`,
      String(r.image.layout.layers.length),
      bMs === undefined ? 'ERR' : sec(bMs),
      sMs === undefined ? 'ERR' : sec(sMs),
      bMs && sMs ? `${(sMs / bMs).toFixed(2)}x` : '-',
      b ? sec(median(b.map((x) => x.innerMs ?? 0))) : '-',
      b ? mib(median(b.map((x) => x.rssKiB))) : 'ERR',
      s ? mib(median(s.map((x) => x.rssKiB))) : 'ERR',
      b ? String(b[0].packages) : '-',
      s ? String(s[0].packages) : '-',
      ...(matching ? [b ? String(b[0].findings ?? '-') : '-'] : []),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const out = lines.map((l) =>
    l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '),
  );
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  console.log(`\n${out.join('\n')}\n`);
  console.log(
    `medians of ${runs} run(s); times are whole processes (Berth: node with TypeScript compiled at load${matching ? ', inventory + OSV load + matching' : ', inventory only'}; syft: inventory, syft-json written).`,
  );
  console.log(
    'syft/Berth above 1 means Berth is faster. Packages: distinct (name, version) in deb, apk, npm, PyPI, Go, Maven.',
  );
  for (const r of rows)
    for (const [who, v] of [
      ['Berth', r.berth],
      ['syft', r.syft],
    ] as const)
      if (v instanceof Error)
        console.log(
          `${r.image.name}: ${who} failed: ${v.message.split('\n').slice(0, 3).join(' ').slice(0, 400)}`,
        );
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const cache = path.join(os.tmpdir(), `berth-scan-bench-${CACHE_VERSION}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-scan-bench-run-'));
  const cleanup = (): void => {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!keep) fs.rmSync(cache, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    fs.mkdirSync(cache, { recursive: true });
    const workDir = path.join(tmp, 'work');
    fs.mkdirSync(workDir);
    const syft = goTool('syft');
    const bigName = `big-${cfg.bigImageBytes / MiB}mib`;
    const names = [...(quick ? [] : [bigName]), ...FIXTURE_IMAGE_NAMES].filter(
      (n) => !only || n === only,
    );
    const images: BenchImage[] = [];
    for (const name of names)
      images.push(
        await cachedImage(cache, name, (dir) =>
          name === bigName
            ? writeBigImage(dir, workDir)
            : writeFixtureImage(name as (typeof FIXTURE_IMAGE_NAMES)[number], dir, workDir).then(
                (f) => f.layout,
              ),
        ),
      );
    const osvDir = fs.existsSync(OSV_FIXTURES) ? OSV_FIXTURES : undefined;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SYFT_CHECK_FOR_APP_UPDATE: 'false',
      TMPDIR: tmp,
    };
    const rows: Row[] = [];
    for (const image of images) {
      const row: Row = { image, berth: [], syft: [] };
      for (let i = 0; i < runs; i++) {
        // Alternating, so a busy moment of the machine does not fall on one side only.
        for (const side of ['berth', 'syft'] as const) {
          const got = row[side];
          if (got instanceof Error) continue;
          try {
            got.push(
              side === 'berth'
                ? await berthScan(image.layout.dir, osvDir, env)
                : await syftScan(syft, image.layout.dir, path.join(tmp, 'syft.json'), env),
            );
          } catch (e) {
            row[side] = e instanceof Error ? e : new Error(String(e));
          }
        }
      }
      rows.push(row);
      process.stderr.write(`[bench] ${image.name} done\n`);
    }
    printTable(rows, osvDir !== undefined);
    console.log(
      `total ${((Date.now() - t0) / 1000).toFixed(0)} s${quick ? ' (--quick)' : ''}${keep ? `; images kept in ${cache}` : ''}`,
    );
  } finally {
    cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
