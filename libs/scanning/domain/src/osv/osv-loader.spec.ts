import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildZip } from '../testing/zip-builder';
import { loadOsvDatabase, OsvLoadError } from './osv-loader';
import { FIXTURE_ADVISORIES_DIR, fixtureAdvisoryIds, writeFixtureDatabase } from './testing';
import { matchPackages } from './vulnerability-matcher';

const zipOf = buildZip;

const fixture = (id: string): Promise<string> =>
  fs.readFile(path.join(FIXTURE_ADVISORIES_DIR, `${id}.json`), 'utf8');

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'osv-loader-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('loadOsvDatabase from a directory', () => {
  it('reads every advisory below it, leaving the withdrawn one out of matching', async () => {
    const dir = await writeFixtureDatabase(path.join(tmp, 'osv'));
    expect(await fs.readdir(dir)).toEqual(
      expect.arrayContaining(['Alpine', 'Debian', 'Go', 'Maven', 'PyPI', 'npm']),
    );
    const db = await loadOsvDatabase(dir);
    const ids = await fixtureAdvisoryIds();
    expect(db.advisoryCount).toBe(ids.length - 1);
    expect(db.withdrawn).toBe(1);
    expect(db.skipped).toBe(0);
    expect(db.newestModified).toBe('2026-09-12T11:00:05.986201214Z');
    expect(Date.parse(db.loadedAt)).toBeGreaterThan(Date.now() - 60_000);
    const findings = matchPackages(db, [
      { ecosystem: 'npm', name: 'lodash', version: '4.17.20', location: 'x' },
      { ecosystem: 'npm', name: '@ctrl/plex', version: '6.0.0', location: 'x' },
    ]);
    expect(findings.map((f) => f.id)).toEqual(['CVE-2021-23337']);
  });

  it('counts and skips malformed and oversized files, and goes on', async () => {
    await fs.mkdir(path.join(tmp, 'npm', 'nested'), { recursive: true });
    await fs.writeFile(
      path.join(tmp, 'npm', 'GHSA-35jh-r3h4-6jhm.json'),
      await fixture('GHSA-35jh-r3h4-6jhm'),
    );
    await fs.writeFile(path.join(tmp, 'npm', 'nested', 'broken.json'), '{"id": "GHSA-x", ');
    await fs.writeFile(path.join(tmp, 'npm', 'no-id.json'), '{"modified": "2024-01-01T00:00:00Z"}');
    await fs.writeFile(
      path.join(tmp, 'npm', 'huge.json'),
      `{"id":"BIG","pad":"${'x'.repeat(5000)}"}`,
    );
    await fs.writeFile(path.join(tmp, 'npm', 'README.txt'), 'not an advisory');
    const db = await loadOsvDatabase(tmp, { maxAdvisoryBytes: 4096 });
    expect(db.advisoryCount).toBe(1);
    expect(db.skipped).toBe(3);
    expect(db.skippedReasons.join('\n')).toMatch(/broken\.json: not JSON/);
    expect(db.skippedReasons.join('\n')).toMatch(/no-id\.json: .*"id"/);
    expect(db.skippedReasons.join('\n')).toMatch(
      /huge\.json: \d+ bytes, more than the 4096 allowed/,
    );
  });

  it('fails on a source without one valid advisory, or one that does not exist', async () => {
    await fs.writeFile(path.join(tmp, 'broken.json'), 'nope');
    await expect(loadOsvDatabase(tmp)).rejects.toThrow(OsvLoadError);
    await expect(loadOsvDatabase(tmp)).rejects.toThrow(
      /holds no valid advisory \(1 skipped; first: .*broken\.json/,
    );
    await expect(loadOsvDatabase(path.join(tmp, 'absent'))).rejects.toThrow(
      /cannot read OSV source/,
    );
  });

  it('reads a single advisory file', async () => {
    const file = path.join(tmp, 'GO-2024-2687.json');
    await fs.writeFile(file, await fixture('GO-2024-2687'));
    const db = await loadOsvDatabase(file);
    expect(db.entriesFor('Go', 'stdlib').map((e) => e.advisory.id)).toEqual(['GO-2024-2687']);
  });
});

describe('loadOsvDatabase from zips', () => {
  const npmZip = async (): Promise<Buffer> =>
    zipOf([
      { name: 'GHSA-35jh-r3h4-6jhm.json', data: await fixture('GHSA-35jh-r3h4-6jhm') },
      { name: 'GHSA-xvch-5gv4-984h.json', data: await fixture('GHSA-xvch-5gv4-984h'), store: true },
      { name: 'MAL-2026-4377.json', data: await fixture('MAL-2026-4377') },
      { name: 'docs/', data: '' },
      { name: 'docs/notes.txt', data: 'ignored' },
      { name: 'broken.json', data: '[1,' },
    ]);

  it('streams the JSON entries of an osv.dev all.zip', async () => {
    const file = path.join(tmp, 'all.zip');
    await fs.writeFile(file, await npmZip());
    const db = await loadOsvDatabase(file);
    expect([db.advisoryCount, db.withdrawn, db.skipped]).toEqual([2, 1, 1]);
    expect(db.skippedReasons[0]).toMatch(/all\.zip!broken\.json: not JSON/);
    expect(db.entriesFor('npm', 'minimist')).toHaveLength(2);
  });

  it('reads every zip of a directory, next to loose files', async () => {
    await fs.mkdir(path.join(tmp, 'npm'));
    await fs.mkdir(path.join(tmp, 'Go'));
    await fs.writeFile(path.join(tmp, 'npm', 'all.zip'), await npmZip());
    await fs.writeFile(
      path.join(tmp, 'Go', 'all.zip'),
      zipOf([
        { name: 'GO-2023-2102.json', data: await fixture('GO-2023-2102') },
        { name: 'GO-2024-2687.json', data: await fixture('GO-2024-2687') },
      ]),
    );
    await fs.writeFile(
      path.join(tmp, 'GHSA-jfh8-c2jp-5v3q.json'),
      await fixture('GHSA-jfh8-c2jp-5v3q'),
    );
    const db = await loadOsvDatabase(tmp);
    expect(db.advisoryCount).toBe(5);
    expect(db.entriesFor('Go', 'golang.org/x/net')).toHaveLength(2);
    expect(db.entriesFor('Maven', 'org.apache.logging.log4j:log4j-core')).toHaveLength(3);
  });

  it('skips an entry larger than the per-advisory limit', async () => {
    const file = path.join(tmp, 'all.zip');
    const big = JSON.stringify({
      id: 'BIG-1',
      modified: '2024-01-01T00:00:00Z',
      pad: 'x'.repeat(10_000),
    });
    await fs.writeFile(
      file,
      zipOf([
        { name: 'BIG-1.json', data: big },
        { name: 'GHSA-35jh-r3h4-6jhm.json', data: await fixture('GHSA-35jh-r3h4-6jhm') },
      ]),
    );
    const db = await loadOsvDatabase(file, { maxAdvisoryBytes: 8192 });
    expect([db.advisoryCount, db.skipped]).toEqual([1, 1]);
    expect(db.skippedReasons[0]).toMatch(/BIG-1\.json: \d+ bytes, more than the 8192 allowed/);
  });

  it('stops when the load is aborted', async () => {
    const file = path.join(tmp, 'all.zip');
    await fs.writeFile(file, await npmZip());
    await expect(loadOsvDatabase(file, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    await expect(loadOsvDatabase(tmp, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('fails on a file that is not a zip', async () => {
    const file = path.join(tmp, 'all.zip');
    await fs.writeFile(file, 'this is not a zip archive at all, just text');
    await expect(loadOsvDatabase(file)).rejects.toThrow(/cannot read zip .*all\.zip/);
  });
});

describe('loadOsvDatabase from an http URL', () => {
  let server: http.Server;
  let base: string;
  let zip: Buffer;
  const routes = new Map<string, (res: http.ServerResponse) => void>();

  beforeEach(async () => {
    zip = zipOf([
      { name: 'GHSA-jfh8-c2jp-5v3q.json', data: await fixture('GHSA-jfh8-c2jp-5v3q') },
      { name: 'GHSA-v845-jxx5-vc9f.json', data: await fixture('GHSA-v845-jxx5-vc9f') },
    ]);
    routes.clear();
    routes.set('/osv/all.zip', (res) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length });
      res.end(zip);
    });
    routes.set('/moved', (res) => {
      res.writeHead(302, { location: '/osv/all.zip' });
      res.end();
    });
    routes.set('/chunked.zip', (res) => {
      res.writeHead(200, { 'content-type': 'application/zip' });
      res.write(zip.subarray(0, 100));
      res.end(zip.subarray(100));
    });
    server = http.createServer((req, res) => {
      const route = routes.get(req.url ?? '');
      if (route) return route(res);
      res.writeHead(404);
      res.end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('downloads the zip to a temporary file, reads it and removes it', async () => {
    const temp = path.join(tmp, 'downloads');
    await fs.mkdir(temp);
    const db = await loadOsvDatabase(`${base}/osv/all.zip`, { tempDir: temp });
    expect(db.advisoryCount).toBe(2);
    expect(db.entriesFor('PyPI', 'urllib3')).toHaveLength(2);
    expect(await fs.readdir(temp)).toEqual([]);
  });

  it('follows a redirect', async () => {
    const db = await loadOsvDatabase(`${base}/moved`, { tempDir: tmp });
    expect(db.advisoryCount).toBe(2);
  });

  it('fails on an HTTP error and on a download over the size cap, leaving no file behind', async () => {
    const temp = path.join(tmp, 'downloads');
    await fs.mkdir(temp);
    await expect(loadOsvDatabase(`${base}/missing.zip`, { tempDir: temp })).rejects.toThrow(
      /cannot download OSV database http:\/\/127\.0\.0\.1:\d+\/missing\.zip: HTTP 404/,
    );
    await expect(
      loadOsvDatabase(`${base}/osv/all.zip`, { tempDir: temp, maxDownloadBytes: 200 }),
    ).rejects.toThrow(/more than the 200 allowed/);
    await expect(
      loadOsvDatabase(`${base}/chunked.zip`, { tempDir: temp, maxDownloadBytes: 200 }),
    ).rejects.toThrow(/larger than the 200 bytes allowed/);
    expect(await fs.readdir(temp)).toEqual([]);
  });

  it('keeps credentials in the URL out of its messages', async () => {
    await expect(
      loadOsvDatabase(`${base}/missing.zip?token=secret-value`, { tempDir: tmp }),
    ).rejects.toThrow(/missing\.zip: HTTP 404/);
    await expect(
      loadOsvDatabase(`${base}/missing.zip?token=secret-value`, { tempDir: tmp }),
    ).rejects.not.toThrow(/secret-value/);
  });
});
