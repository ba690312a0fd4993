import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GoBuildInfo,
  goBinaryExtractor,
  goBuildInfoPackages,
  readGoBuildInfo,
} from './go-binary.analyzer';

/** `go version -m -json` output: runtime/debug.BuildInfo, empty fields left out. */
interface GoToolModule {
  Path: string;
  Version?: string;
  Sum?: string;
  Replace?: GoToolModule;
}
interface GoToolBuildInfo {
  GoVersion: string;
  Path: string;
  Main?: GoToolModule;
  Deps?: GoToolModule[];
  Settings?: { Key: string; Value?: string }[];
}

const toolModule = (m: GoToolModule): unknown => ({
  path: m.Path,
  version: m.Version ?? '',
  sum: m.Sum ?? '',
  ...(m.Replace ? { replace: toolModule(m.Replace) } : {}),
});

/** Our reading in the shape `go version -m -json` prints, to compare field by field. */
const asTool = (info: GoBuildInfo): unknown => ({
  goVersion: info.goVersion,
  path: info.path,
  main: info.main ?? { path: '', version: '', sum: '' },
  deps: info.deps,
  settings: info.settings,
});

const goEnv = { ...process.env, GOFLAGS: '-mod=vendor', GOPROXY: 'off', GOTOOLCHAIN: 'local' };

/** Reads a file in chunks of random sizes, from a byte to a few hundred kilobytes. */
async function* randomChunks(file: string, seed: number): AsyncIterable<Buffer> {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  const handle = await fs.promises.open(file, 'r');
  try {
    for (;;) {
      const size = next() % 4 === 0 ? 1 + (next() % 32) : 1 + (next() % 300_000);
      const buf = Buffer.alloc(size);
      const { bytesRead } = await handle.read(buf, 0, size, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** A module with a dependency replaced by another module and one by a local directory, vendored so nothing is downloaded. */
function writeModule(dir: string): void {
  const files: Record<string, string> = {
    'go.mod': [
      'module example.com/berth/probe',
      '',
      'go 1.22',
      '',
      'require (',
      '\texample.com/berth/lib v0.0.0',
      '\texample.org/fake/v2 v2.0.0',
      ')',
      '',
      'replace example.com/berth/lib => ./lib',
      '',
      'replace example.org/fake/v2 => example.org/real/v2 v2.3.4',
      '',
    ].join('\n'),
    'main.go': [
      'package main',
      '',
      'import (',
      '\t"fmt"',
      '',
      '\t"example.com/berth/lib"',
      '\tfake "example.org/fake/v2"',
      ')',
      '',
      'var version = "dev"',
      '',
      'func main() { fmt.Println(lib.Name(), fake.Name(), version) }',
      '',
    ].join('\n'),
    'lib/go.mod': 'module example.com/berth/lib\n\ngo 1.22\n',
    'lib/lib.go': 'package lib\n\nfunc Name() string { return "lib" }\n',
    'vendor/example.com/berth/lib/go.mod': 'module example.com/berth/lib\n\ngo 1.22\n',
    'vendor/example.com/berth/lib/lib.go': 'package lib\n\nfunc Name() string { return "lib" }\n',
    'vendor/example.org/fake/v2/fake.go': 'package fake\n\nfunc Name() string { return "real" }\n',
    'vendor/modules.txt': [
      '# example.com/berth/lib v0.0.0 => ./lib',
      '## explicit; go 1.22',
      'example.com/berth/lib',
      '# example.org/fake/v2 v2.0.0 => example.org/real/v2 v2.3.4',
      '## explicit',
      'example.org/fake/v2',
      '# example.com/berth/lib => ./lib',
      '# example.org/fake/v2 => example.org/real/v2 v2.3.4',
      '',
    ].join('\n'),
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

describe('Go binary build info on this machine', () => {
  let work: string;
  const binaries: string[] = [];

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-go-binary-'));
    const src = path.join(work, 'src');
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    writeModule(src);
    const build = (out: string, ...flags: string[]) =>
      execFileSync('go', ['build', ...flags, '-o', path.join(bin, out), '.'], {
        cwd: src,
        env: { ...goEnv, CGO_ENABLED: '0' },
      });
    build('probe-ldflags', '-ldflags', '-X main.version=1.4.2');
    build('probe-stripped', '-trimpath', '-ldflags', '-s -w');
    binaries.push(path.join(bin, 'probe-ldflags'), path.join(bin, 'probe-stripped'));
    // Binaries with many dependencies; syft's own holds the magic string as data too.
    const gopathBin = path.join(
      execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(),
      'bin',
    );
    for (const name of ['crane', 'syft']) {
      const file = path.join(gopathBin, name);
      if (fs.existsSync(file)) binaries.push(file);
    }
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('reads the same build info as `go version -m`, whatever the chunk sizes', async () => {
    expect(binaries.length).toBeGreaterThanOrEqual(3);
    for (const [i, file] of binaries.entries()) {
      const expected = JSON.parse(
        execFileSync('go', ['version', '-m', '-json', file], {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
        }),
      ) as GoToolBuildInfo;
      const info = await readGoBuildInfo(randomChunks(file, i + 1));
      expect(info, file).toBeDefined();
      expect(asTool(info as GoBuildInfo), file).toEqual({
        goVersion: expected.GoVersion,
        path: expected.Path,
        main: expected.Main ? toolModule(expected.Main) : { path: '', version: '', sum: '' },
        deps: (expected.Deps ?? []).map(toolModule),
        settings: (expected.Settings ?? []).map((s) => ({ key: s.Key, value: s.Value ?? '' })),
      });
    }
  });

  it('reports the packages syft reports for the same binaries', async () => {
    const syft = path.join(
      execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(),
      'bin',
      'syft',
    );
    if (!fs.existsSync(syft)) return;
    const scanned = path.join(work, 'scanned');
    fs.mkdirSync(scanned);
    for (const file of binaries) {
      const target = path.join(scanned, path.basename(file));
      try {
        fs.linkSync(file, target);
      } catch {
        fs.copyFileSync(file, target);
      }
    }
    const sbom = JSON.parse(
      execFileSync(syft, ['scan', `dir:${scanned}`, '-o', 'json', '-q'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        env: { ...process.env, SYFT_CHECK_FOR_APP_UPDATE: 'false' },
      }),
    ) as {
      artifacts: { type: string; name: string; version: string; locations: { path: string }[] }[];
    };
    const fromSyft = sbom.artifacts
      .filter((a) => a.type === 'go-module')
      .flatMap((a) => a.locations.map((l) => `${l.path.replace(/^\//, '')} ${a.name} ${a.version}`))
      .sort();
    const ours: string[] = [];
    for (const file of fs.readdirSync(scanned)) {
      const info = await readGoBuildInfo(randomChunks(path.join(scanned, file), 7));
      for (const p of info ? goBuildInfoPackages(info, file) : []) {
        ours.push(`${p.location} ${p.name} ${p.version}`);
      }
    }
    expect(fromSyft.length).toBeGreaterThan(100);
    expect([...new Set(ours)].sort()).toEqual([...new Set(fromSyft)]);
  });

  it('passes over an executable that is not Go', async () => {
    const file = fs.realpathSync(
      execFileSync('sh', ['-c', 'command -v ls'], { encoding: 'utf8' }).trim(),
    );
    const stat = fs.statSync(file);
    const layerFile = { path: file.slice(1), size: stat.size, mode: stat.mode & 0o7777 };
    expect(goBinaryExtractor.matches(layerFile)).toBe(true);
    if (goBinaryExtractor.kind !== 'stream') throw new Error('expected a stream extractor');
    await expect(goBinaryExtractor.extract(randomChunks(file, 3), layerFile)).resolves.toEqual({
      packages: [],
    });
  });
});
