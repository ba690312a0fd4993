import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * A curated OSV database for tests and benchmarks: `advisories/*.json` are trimmed copies of
 * public OSV records, kept under their real ids (the fields the scanner reads: ids, aliases,
 * upstream ids, packages, ranges, versions, severity vectors, CWE ids, some references;
 * descriptions shortened or paraphrased; `modified`/`published` times of the Debian, Alpine and
 * setuptools records are approximate). They cover:
 * - Debian: DEBIAN-CVE-2024-8176 (expat, fixed in Debian 12 at 2.5.0-1+deb12u2, above the
 *   2.5.0-1+deb12u1 of a current bookworm machine), DSA-5514-1 (glibc, Debian 11 and 12 fixes),
 *   DEBIAN-CVE-2024-58382 (php-league-commonmark, unfixed in Debian 12, with `versions`);
 * - Alpine: ALPINE-CVE-2023-5363 (openssl), ALPINE-CVE-2022-48174 (busybox, a different fix
 *   per Alpine release);
 * - npm: GHSA-35jh-r3h4-6jhm (lodash), GHSA-xvch-5gv4-984h (minimist, two ranges),
 *   GHSA-cchq-frgv-rjh5 (vm2, `last_affected`), MAL-2026-4377 (@ctrl/plex, withdrawn);
 * - PyPI: GHSA-v845-jxx5-vc9f (urllib3), GHSA-j8r2-6x86-q33q (requests), GHSA-5rjg-fvgr-3xxf
 *   (setuptools, CVSS v4 only), GHSA-4g82-3jcr-q52w (ctx, `last_affected`, no vector, only
 *   GitHub's word CRITICAL), MAL-2025-6428 (0x000testqwe, `versions` only);
 * - Go: GO-2023-2102 (stdlib and golang.org/x/net, two CVE aliases), GO-2024-2687 (stdlib with
 *   a `1.22.0-0` pre-release bound, golang.org/x/net);
 * - Maven: GHSA-jfh8-c2jp-5v3q (Log4Shell, org.apache.logging.log4j:log4j-core, three ranges).
 * No public record with a `limit` event in an ECOSYSTEM range was found; `limit` is tested
 * with records built in the tests.
 */
export const FIXTURE_ADVISORIES_DIR = path.join(__dirname, 'advisories');

/** The ids of the curated records, withdrawn one included. */
export async function fixtureAdvisoryIds(): Promise<string[]> {
  return (await fs.readdir(FIXTURE_ADVISORIES_DIR))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/**
 * Writes the curated records into `dir` in osv.dev's export layout, one directory per
 * ecosystem family of the record's first affected package (`Debian/DSA-5514-1.json`,
 * `npm/GHSA-….json`), and returns `dir`.
 */
export async function writeFixtureDatabase(dir: string): Promise<string> {
  for (const file of await fs.readdir(FIXTURE_ADVISORIES_DIR)) {
    if (!file.endsWith('.json')) continue;
    const text = await fs.readFile(path.join(FIXTURE_ADVISORIES_DIR, file), 'utf8');
    const record = JSON.parse(text) as { affected?: Array<{ package?: { ecosystem?: string } }> };
    const ecosystem = record.affected?.[0]?.package?.ecosystem ?? 'unknown';
    const family = ecosystem.split(':')[0] ?? 'unknown';
    await fs.mkdir(path.join(dir, family), { recursive: true });
    await fs.writeFile(path.join(dir, family, file), text);
  }
  return dir;
}
