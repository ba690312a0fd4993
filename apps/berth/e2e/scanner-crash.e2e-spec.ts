import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import Database from 'better-sqlite3';
import { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OCI_CONFIG,
  OCI_LAYER_GZIP,
  OCI_MANIFEST,
  PrivateNats,
  RegistryHttp,
  createTestDatabase,
  ensureDependencies,
  freePort,
  freePortRange,
  killHard,
  removeBucket,
  sha256,
  startBerthApp,
  stopGracefully,
  tarOneFile,
  waitFor,
  workspaceRoot,
  type DependencyEnv,
  type SpawnedProcess,
  type TestDatabase,
} from '@berth/platform/testing';

/** The curated OSV records; DEBIAN-CVE-2024-8176 affects expat before 2.5.0-1+deb12u2. */
const ADVISORIES = path.join(workspaceRoot, 'libs/scanning/domain/src/osv/testing/advisories');
const REPORT_MIME = 'application/vnd.security.vulnerability.report; version=1.1';
const LEASE_SECONDS = '5';
/** Random (incompressible) bytes in the layer: enough for the scan to run a few seconds. */
const FILLER_MIB = 300;
const CHUNK = 32 * 1024 * 1024;

const OS_RELEASE = 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n';
const DPKG_STATUS = [
  'Package: libexpat1',
  'Status: install ok installed',
  'Architecture: amd64',
  'Source: expat',
  'Version: 2.5.0-1+deb12u1',
  '',
].join('\n');

interface Layer {
  file: string;
  digest: string;
  size: number;
}

/** A ustar header of a regular file of `size` bytes (its data follows, padded to 512). */
function tarHeader(name: string, size: number): Buffer {
  // A one-file archive of the right size minus its data, padding and end markers.
  const header = tarOneFile(name, Buffer.alloc(0)).subarray(0, 512);
  header.write(size.toString(8).padStart(11, '0'), 124, 11, 'ascii');
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return header;
}

/**
 * The slow-to-scan image layer, written streamed to `file`: a gzip tar of a large random file
 * first, then a Debian 12 os-release and a dpkg status listing the vulnerable libexpat1.
 */
async function writeLayer(file: string): Promise<Layer> {
  const fillerSize = FILLER_MIB * 1024 * 1024;
  async function* tar(): AsyncGenerator<Buffer> {
    yield tarHeader('usr/share/filler.bin', fillerSize);
    for (let done = 0; done < fillerSize; done += 1024 * 1024)
      yield crypto.randomBytes(1024 * 1024);
    yield tarOneFile('etc/os-release', Buffer.from(OS_RELEASE)).subarray(0, -1024);
    yield tarOneFile('var/lib/dpkg/status', Buffer.from(DPKG_STATUS));
  }
  await pipeline(Readable.from(tar()), createGzip({ level: 1 }), fs.createWriteStream(file));
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return { file, digest: `sha256:${hash.digest('hex')}`, size: fs.statSync(file).size };
}

/** One Berth (either mode) as the scenario sees it. */
interface Target {
  registry: RegistryHttp;
  apiUrl: string;
  basic: string;
  /** SIGKILLs the process running the scan and starts it again on the same data. */
  crashScanner(): Promise<void>;
  /** scan_report rows of this digest and MIME type. */
  reportCount(digest: string): Promise<number>;
}

interface Overview {
  report_id: string;
  scan_status: string;
}

async function pushImage(target: Target, repo: string, layer: Layer): Promise<string> {
  const scope = `repository:${repo}:pull,push`;
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers' } }),
  );
  const small = await target.registry.fetch(
    `/v2/${repo}/blobs/uploads/?digest=${sha256(config)}`,
    scope,
    { method: 'POST', body: config },
  );
  expect(small.status).toBe(201);

  // The layer goes up in chunks: the test never holds all of it in memory.
  const started = await target.registry.fetch(`/v2/${repo}/blobs/uploads/`, scope, {
    method: 'POST',
  });
  expect(started.status).toBe(202);
  let location = started.headers.get('location')!;
  const fd = fs.openSync(layer.file, 'r');
  try {
    for (let offset = 0; offset < layer.size; offset += CHUNK) {
      const chunk = Buffer.alloc(Math.min(CHUNK, layer.size - offset));
      fs.readSync(fd, chunk, 0, chunk.length, offset);
      const res = await target.registry.fetch(location, scope, {
        method: 'PATCH',
        body: chunk,
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `${offset}-${offset + chunk.length - 1}`,
        },
      });
      expect(res.status, await res.text()).toBe(202);
      location = res.headers.get('location')!;
    }
  } finally {
    fs.closeSync(fd);
  }
  const committed = await target.registry.fetch(
    `${location}${location.includes('?') ? '&' : '?'}digest=${layer.digest}`,
    scope,
    { method: 'PUT' },
  );
  expect(committed.status, await committed.text()).toBe(201);

  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
    layers: [{ mediaType: OCI_LAYER_GZIP, digest: layer.digest, size: layer.size }],
  });
  const pushed = await target.registry.fetch(`/v2/${repo}/manifests/v1`, scope, {
    method: 'PUT',
    headers: { 'content-type': OCI_MANIFEST },
    body: manifest,
  });
  expect(pushed.status, await pushed.text()).toBe(201);
  return sha256(manifest);
}

/**
 * Pushes the slow image into an auto-scan project, kills the scanner while the scan is Running
 * and starts it again: the same report ends Success with the libexpat1 finding.
 */
async function scanSurvivesCrash(target: Target, layer: Layer): Promise<void> {
  const api = (p: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${target.apiUrl}/api/v2.0${p}`, {
      ...init,
      headers: { authorization: target.basic, ...init.headers },
    });
  const created = await api('/projects', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ project_name: 'crash', metadata: { auto_scan: 'true' } }),
  });
  expect(created.status, await created.text()).toBe(201);

  const digest = await pushImage(target, 'crash/app', layer);
  const overview = async (): Promise<Overview | undefined> => {
    const res = await api(
      `/projects/crash/repositories/app/artifacts/${digest}?with_scan_overview=true`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { scan_overview?: Record<string, Overview> };
    return body.scan_overview?.[REPORT_MIME];
  };

  // Polled by hand: a scan that ends before the kill fails the test at once.
  let running: Overview | undefined;
  for (const deadline = Date.now() + 60_000; !running;) {
    const o = await overview();
    const status = o?.scan_status ?? 'Pending';
    expect(
      ['Pending', 'Running'],
      `the scan was ${status} before it could be interrupted`,
    ).toContain(status);
    if (status === 'Running') running = o;
    else {
      expect(Date.now(), 'the scan never started').toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await target.crashScanner();

  let finished: Overview | undefined;
  await waitFor(
    async () => {
      finished = await overview();
      return finished && !['Pending', 'Running'].includes(finished.scan_status);
    },
    60_000,
    250,
  ).catch(() => undefined);
  expect(finished, 'the interrupted scan did not end within 60 s of the restart').toMatchObject({
    scan_status: 'Success',
    report_id: running.report_id,
  });
  expect(await target.reportCount(digest)).toBe(1);

  const res = await api(
    `/projects/crash/repositories/app/artifacts/${digest}/additions/vulnerabilities`,
    { headers: { 'X-Accept-Vulnerabilities': REPORT_MIME } },
  );
  expect(res.status).toBe(200);
  const report = (await res.json()) as Record<string, { vulnerabilities: unknown[] }>;
  expect(report[REPORT_MIME].vulnerabilities).toEqual([
    expect.objectContaining({
      id: 'CVE-2024-8176',
      package: 'libexpat1',
      version: '2.5.0-1+deb12u1',
      fix_version: '2.5.0-1+deb12u2',
    }),
  ]);
}

const password = crypto.randomBytes(12).toString('base64url');
const basic = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
let layerDir: string;
let layer: Layer;

beforeAll(async () => {
  layerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-scan-crash-'));
  layer = await writeLayer(path.join(layerDir, 'layer.tar.gz'));
});

afterAll(() => {
  if (layerDir) fs.rmSync(layerDir, { recursive: true, force: true });
});

describe('a scan interrupted by a killed all-in-one process', () => {
  let dir: string;
  let port: number;
  let berth: SpawnedProcess | undefined;

  const start = async (): Promise<void> => {
    berth = await startBerthApp({
      app: 'berth',
      port,
      env: {
        BERTH_EXTERNAL_URL: `http://127.0.0.1:${port}`,
        BERTH_DATA_DIR: dir,
        BERTH_ADMIN_PASSWORD: password,
        BERTH_LOG_LEVEL: 'warn',
        BERTH_SCANNER_DB: ADVISORIES,
        BERTH_SCANNER_LEASE_SECONDS: LEASE_SECONDS,
      },
    });
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-scan-crash-aio-'));
    port = await freePort();
    await start();
  });

  afterAll(async () => {
    if (berth) await stopGracefully(berth);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is taken up again after the restart and ends Success, in the same report', async () => {
    const url = `http://127.0.0.1:${port}`;
    await scanSurvivesCrash(
      {
        registry: new RegistryHttp({
          url,
          registryHost: `127.0.0.1:${port}`,
          username: 'admin',
          password,
        }),
        apiUrl: url,
        basic,
        crashScanner: async () => {
          await killHard(berth!);
          await start();
        },
        reportCount: async (digest) => {
          const db = new Database(path.join(dir, 'berth.db'), { readonly: true });
          try {
            const row = db
              .prepare('SELECT count(*) AS n FROM scan_report WHERE digest = ? AND mime_type = ?')
              .get(digest, REPORT_MIME) as { n: number };
            return row.n;
          } finally {
            db.close();
          }
        },
      },
      layer,
    );
  });
});

describe('a scan interrupted by a killed scanner app (distributed)', () => {
  const APPS = ['registry', 'auth', 'api', 'scanner'] as const;
  type App = (typeof APPS)[number];
  let deps: DependencyEnv;
  let dir: string;
  let basePort: number;
  let database: TestDatabase | undefined;
  let nats: PrivateNats | undefined;
  const bucket = `berth-e2e-${crypto.randomBytes(4).toString('hex')}`;
  const processes = new Map<App, SpawnedProcess>();

  const start = async (app: App): Promise<void> => {
    processes.set(
      app,
      await startBerthApp({
        app,
        port: basePort + APPS.indexOf(app),
        env: {
          BERTH_EXTERNAL_URL: `http://127.0.0.1:${basePort}`,
          BERTH_AUTH_URL: `http://127.0.0.1:${basePort + 1}`,
          BERTH_DATA_DIR: path.join(dir, app),
          BERTH_ADMIN_PASSWORD: password,
          BERTH_LOG_LEVEL: 'warn',
          DATABASE_URL: database!.url,
          NATS_URL: nats!.url,
          S3_ENDPOINT: deps.S3_ENDPOINT,
          S3_ACCESS_KEY: deps.S3_ACCESS_KEY,
          S3_SECRET_KEY: deps.S3_SECRET_KEY,
          S3_REGION: deps.S3_REGION,
          S3_BUCKET: bucket,
          BERTH_SCANNER_DB: ADVISORIES,
          BERTH_SCANNER_LEASE_SECONDS: LEASE_SECONDS,
        },
      }),
    );
  };

  beforeAll(async () => {
    deps = ensureDependencies(['postgres', 'nats', 's3']);
    database = await createTestDatabase(deps.DATABASE_URL, 'berth_scan_crash');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-scan-crash-dist-'));
    nats = new PrivateNats(await freePort(), path.join(dir, 'nats'), path.join(dir, 'nats.log'));
    await nats.start();
    basePort = await freePortRange(APPS.length);
    // The registry first: it runs the migrations the others wait on.
    await start('registry');
    await Promise.all(APPS.filter((a) => a !== 'registry').map((a) => start(a)));
  });

  afterAll(async () => {
    await Promise.all([...processes.values()].map((p) => stopGracefully(p)));
    await nats?.stop();
    await database?.drop();
    if (deps) await removeBucket(bucket, deps).catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is taken up again by the restarted scanner and ends Success, in the same report', async () => {
    await scanSurvivesCrash(
      {
        registry: new RegistryHttp({
          url: `http://127.0.0.1:${basePort}`,
          registryHost: `127.0.0.1:${basePort}`,
          username: 'admin',
          password,
        }),
        apiUrl: `http://127.0.0.1:${basePort + 2}`,
        basic,
        crashScanner: async () => {
          await killHard(processes.get('scanner')!);
          await start('scanner');
        },
        reportCount: async (digest) => {
          const pg = new PgClient({ connectionString: database!.url });
          await pg.connect();
          try {
            const res = await pg.query<{ n: string }>(
              'SELECT count(*) AS n FROM scan_report WHERE digest = $1 AND mime_type = $2',
              [digest, REPORT_MIME],
            );
            return Number(res.rows[0].n);
          } finally {
            await pg.end();
          }
        },
      },
      layer,
    );
  });
});
