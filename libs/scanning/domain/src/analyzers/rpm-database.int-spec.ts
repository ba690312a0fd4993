import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeRpmDatabase } from './rpm-database.analyzer';

const workspaceRoot = path.resolve(__dirname, '../../../../..');
// The pinned syft, built by the workspace's tool script when missing.
const syft = execFileSync('bash', [path.join(workspaceRoot, 'tools/deps/go-tool.sh'), 'syft'], {
  encoding: 'utf8',
}).trim();
// Real rpm databases of several distributions ship as test data with the rpmdb module syft uses.
const goModCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
const goRpmdb = fs
  .readdirSync(path.join(goModCache, 'github.com/anchore'))
  .filter((d) => d.startsWith('go-rpmdb@'))
  .sort()
  .pop();
const testdata = path.join(goModCache, 'github.com/anchore', goRpmdb ?? 'go-rpmdb', 'pkg/testdata');
// With the number of rpm signing keys (gpg-pubkey records) each holds: syft lists them, Berth does not.
const databases: [string, number][] = [
  ['fedora35', 1],
  ['rockylinux-9', 0],
  ['oraclelinux-9', 2],
  ['cbl-mariner-2.0', 0],
];

interface SyftArtifact {
  name: string;
  version: string;
  metadata: { architecture?: string; sourceRpm?: string };
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rpmdb-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('rpm database analyzer against syft', () => {
  it.each(databases)(
    'lists the packages syft lists in %s, less its %i gpg-pubkey',
    (distro, keys) => {
      const source = path.join(testdata, distro, 'rpmdb.sqlite');
      const root = path.join(scratch, distro);
      fs.mkdirSync(path.join(root, 'var/lib/rpm'), { recursive: true });
      fs.copyFileSync(source, path.join(root, 'var/lib/rpm/rpmdb.sqlite'));

      const report = analyzeRpmDatabase(fs.readFileSync(source), 'var/lib/rpm/rpmdb.sqlite');
      expect(report.notes).toEqual([]);

      const out = execFileSync(
        syft,
        [
          'scan',
          `dir:${root}`,
          '-o',
          'json',
          '-q',
          '--override-default-catalogers',
          'rpm-db-cataloger',
        ],
        { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, cwd: root },
      );
      const artifacts = (JSON.parse(out) as { artifacts: SyftArtifact[] }).artifacts;
      expect(artifacts.filter((a) => a.name === 'gpg-pubkey')).toHaveLength(keys);
      const line = (name: string, version: string, arch?: string, source?: string) =>
        `${name} ${version} ${arch ?? '-'} ${source ?? '-'}`;
      const expected = artifacts
        .filter((a) => a.name !== 'gpg-pubkey')
        .map((a) =>
          line(
            a.name,
            a.version,
            a.metadata.architecture,
            a.metadata.sourceRpm?.replace(/-[^-]+-[^-]+\.(?:no)?src\.rpm$/, ''),
          ),
        )
        .sort();
      expect(expected.length).toBeGreaterThan(100);
      expect(
        report.packages.map((p) => line(p.name, p.version, p.arch, p.sourceName)).sort(),
      ).toEqual(expected);
    },
  );
});
