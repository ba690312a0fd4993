import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCAN_EXTRACTORS } from './layers/scan-extractors';
import { type ImageInventory, inventoryOfImage } from './layers/image-inventory';
import {
  berthInventoryKeys,
  compareInventories,
  type ComparedEcosystem,
  type EcosystemComparison,
  type FixtureImage,
  type FixtureImageName,
  goTool,
  JAVA_LIBRARY,
  JAVA_WAR,
  JAVA_WAR_LIBS,
  packageKey,
  syftInventoryKeys,
  writeFixtureImage,
} from './testing/fixture-images';
import { ociLayoutBlobs } from './testing/oci-layout';

// Berth's inventory against syft's on images built from this machine's real package databases:
// for each image, Berth must find at least 99% of the (name, version) pairs syft finds.

const run = promisify(execFile);

interface ImageRun {
  image: FixtureImage;
  berth: ImageInventory;
  comparison: EcosystemComparison[];
}

let tmp: string;
let syft: string;
const runs = new Map<FixtureImageName, Promise<ImageRun>>();

/** Builds the image, scans it with syft and with Berth, compares; once per image. */
function scanned(name: FixtureImageName): Promise<ImageRun> {
  let p = runs.get(name);
  if (!p) {
    p = (async () => {
      const image = await writeFixtureImage(name, path.join(tmp, name), path.join(tmp, 'work'));
      const out = path.join(tmp, `${name}.syft.json`);
      await run(syft, ['scan', `oci-dir:${image.layout.dir}`, '-q', '-o', `syft-json=${out}`], {
        // No update check; syft unpacks layers under TMPDIR, removed with the rest.
        env: { ...process.env, SYFT_CHECK_FOR_APP_UPDATE: 'false', TMPDIR: tmp },
        timeout: 300_000,
        maxBuffer: 16 << 20,
      });
      const berth = await inventoryOfImage(
        image.layout.manifest,
        ociLayoutBlobs(image.layout.dir),
        SCAN_EXTRACTORS,
      );
      const comparison = compareInventories(
        berthInventoryKeys(berth.packages),
        syftInventoryKeys(await fs.promises.readFile(out, 'utf8')),
      );
      for (const c of comparison)
        console.log(
          `[${name}] ${c.ecosystem}: syft ${c.syft}, Berth ${c.berth}, Berth has ${(c.coverage * 100).toFixed(1)}% of syft's` +
            (c.missing.length ? `; missing: ${c.missing.join(', ')}` : '') +
            (c.extra.length ? `; only Berth: ${c.extra.join(', ')}` : ''),
        );
      if (berth.notes.length) console.log(`[${name}] Berth notes: ${berth.notes.join(' | ')}`);
      return { image, berth, comparison };
    })();
    runs.set(name, p);
  }
  return p;
}

/** Asserts syft found at least `atLeast` packages and Berth ≥ 99% of them, naming what it missed. */
function expectCoverage(r: ImageRun, ecosystem: ComparedEcosystem, atLeast: number): void {
  const c = r.comparison.find((x) => x.ecosystem === ecosystem);
  expect(
    c?.syft ?? 0,
    `syft found too few ${ecosystem} packages in ${r.image.name}`,
  ).toBeGreaterThanOrEqual(atLeast);
  expect(
    c!.coverage,
    `Berth misses ${c!.missing.length} of syft's ${c!.syft} ${ecosystem} packages in ${r.image.name}: ${c!.missing.join(', ')}`,
  ).toBeGreaterThanOrEqual(0.99);
}

const keysOf = (r: ImageRun, ecosystem: string): Set<string> =>
  new Set(
    r.berth.packages
      .filter((p) => p.ecosystem.split(':')[0] === ecosystem)
      .map((p) => `${p.name}@${p.version}`),
  );

describe('package inventory against syft v1.57.1 on images from this machine', () => {
  beforeAll(async () => {
    tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'berth-inventory-vs-syft-'));
    await fs.promises.mkdir(path.join(tmp, 'work'));
    syft = goTool('syft');
  });
  afterAll(async () => {
    await Promise.allSettled(runs.values());
    if (tmp) await fs.promises.rm(tmp, { recursive: true, force: true });
  });

  it('debian: finds the dpkg packages syft finds, with the OS release', async () => {
    const r = await scanned('debian');
    expectCoverage(r, 'Debian', 100);
    expect(r.berth.os?.id).toBe('debian');
    // Debian packages carry the release they belong to, for matching Debian:<major> advisories.
    const major = /^VERSION_ID="?(\d+)/m.exec(fs.readFileSync('/usr/lib/os-release', 'utf8'))?.[1];
    const debs = r.berth.packages.filter((p) => p.ecosystem.startsWith('Debian'));
    expect(new Set(debs.map((p) => p.ecosystem))).toEqual(new Set([`Debian:${major}`]));
  });

  it('debian: packages deleted by a whiteout or hidden by an opaque directory are not reported, by either', async () => {
    const r = await scanned('debian');
    const syftNpm = syftInventoryKeys(
      await fs.promises.readFile(path.join(tmp, 'debian.syft.json'), 'utf8'),
    ).get('npm');
    const berthNpm = keysOf(r, 'npm');
    expect(r.image.removed).toHaveLength(2);
    for (const gone of r.image.removed) {
      const key = packageKey('npm', gone.name, gone.version);
      expect(berthNpm.has(key), `Berth reports ${key}, deleted by a later layer`).toBe(false);
      expect(syftNpm?.has(key), `syft reports ${key}: the fixture's whiteout is wrong`).toBe(false);
    }
    // What the same layers left in place is found, so the absence above is the whiteout's doing.
    expectCoverage(r, 'npm', 4);
  });

  it('alpine: finds the apk packages syft finds, as the last layer left the database', async () => {
    const r = await scanned('alpine');
    expectCoverage(r, 'Alpine', 20);
    expect(r.berth.os?.id).toBe('alpine');
    const apk = r.berth.packages.filter((p) => p.ecosystem.startsWith('Alpine'));
    expect(new Set(apk.map((p) => p.ecosystem))).toEqual(new Set(['Alpine:v3.20']));
    expect(apk.find((p) => p.name === 'libcrypto3')).toMatchObject({
      version: '3.3.2-r1',
      sourceName: 'openssl',
    });
    const removed = r.image.removed[0];
    expect(keysOf(r, 'Alpine').has(`${removed.name}@${removed.version}`)).toBe(false);
  });

  it('node: finds the npm packages syft finds in a node_modules tree (scoped and nested)', async () => {
    const r = await scanned('node');
    expectCoverage(r, 'npm', 200);
    const npm = r.berth.packages.filter((p) => p.ecosystem === 'npm');
    expect(npm.some((p) => p.name.startsWith('@'))).toBe(true);
    expect(npm.some((p) => /node_modules\/.+\/node_modules\//.test(p.location))).toBe(true);
  });

  it('python: finds the dist-info and egg-info packages syft finds', async () => {
    const r = await scanned('python');
    expectCoverage(r, 'PyPI', 20);
  });

  it('go: finds the modules syft finds in crane, oras and a program built here', async () => {
    const r = await scanned('go');
    expectCoverage(r, 'Go', 20);
    expect(r.berth.packages.some((p) => p.ecosystem === 'Go' && p.name === 'stdlib')).toBe(true);
  });

  it('java: finds the pom.properties packages, nested jars of a war included', async () => {
    const r = await scanned('java');
    const maven = keysOf(r, 'Maven');
    for (const a of [JAVA_LIBRARY, JAVA_WAR, ...JAVA_WAR_LIBS])
      expect(maven, `${a.groupId}:${a.artifactId}`).toContain(
        `${a.groupId}:${a.artifactId}@${a.version}`,
      );
  });
});
