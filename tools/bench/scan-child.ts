// One Berth scan in its own process, for tools/bench/scan.bench.ts: the package inventory of an
// OCI image layout and, given an OSV directory, its vulnerability matches. Prints one JSON line
// last: package counts, timings and the process's peak RSS (KiB).
//
//   node -r @swc-node/register tools/bench/scan-child.ts <oci-layout-dir> [--osv=<dir>]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCAN_EXTRACTORS } from '../../libs/scanning/domain/src/layers/scan-extractors';
import { inventoryOfImage } from '../../libs/scanning/domain/src/layers/image-inventory';
import { loadOsvDatabase } from '../../libs/scanning/domain/src/osv/osv-loader';
import { matchPackages } from '../../libs/scanning/domain/src/osv/vulnerability-matcher';
import {
  berthInventoryKeys,
  COMPARED_ECOSYSTEMS,
} from '../../libs/scanning/domain/src/testing/fixture-images';
import { ociLayoutBlobs, readOciImage } from '../../libs/scanning/domain/src/testing/oci-layout';

/** What the parent reads from the last line of stdout. */
export interface ChildResult {
  /** Distinct (name, version) pairs in the ecosystems compared with syft. */
  comparedPackages: number;
  packages: number;
  findings: number | null;
  inventoryMs: number;
  matchMs: number | null;
  maxRssKiB: number;
}

async function main(): Promise<void> {
  const [layout, ...rest] = process.argv.slice(2);
  if (!layout || !fs.existsSync(path.join(layout, 'index.json')))
    throw new Error('usage: scan-child.ts <oci-layout-dir> [--osv=<dir>]');
  const osv = rest.find((a) => a.startsWith('--osv='))?.slice('--osv='.length);
  const t0 = performance.now();
  const image = await readOciImage(layout);
  const inventory = await inventoryOfImage(image.manifest, ociLayoutBlobs(layout), SCAN_EXTRACTORS);
  const t1 = performance.now();
  let findings: number | null = null;
  if (osv) {
    const db = await loadOsvDatabase(osv);
    findings = matchPackages(db, inventory.packages).length;
  }
  const t2 = performance.now();
  const keys = berthInventoryKeys(inventory.packages);
  const result: ChildResult = {
    comparedPackages: COMPARED_ECOSYSTEMS.reduce((n, e) => n + (keys.get(e)?.size ?? 0), 0),
    packages: inventory.packages.length,
    findings,
    inventoryMs: t1 - t0,
    matchMs: osv ? t2 - t1 : null,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
