import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureDependencies,
  freePortRange,
  removeBucket,
  spawnProcess,
  waitFor,
  waitForExit,
  workspaceRoot,
  type SpawnedProcess,
} from '@berth/platform/testing';

const apps = ['registry', 'auth', 'api', 'scanner', 'signer', 'replicator', 'notifier', 'portal'];

// `npm run start:distributed`: one process per app on real PostgreSQL, NATS JetStream and S3.
describe('distributed mode', () => {
  let platform: SpawnedProcess;
  let basePort: number;
  let dataDir: string;
  let database: string;
  let bucket: string;
  let adminUrl: string;

  beforeAll(async () => {
    const deps = ensureDependencies(['postgres', 'nats', 's3']);
    const suffix = Math.random().toString(36).slice(2, 8);
    database = `berth_e2e_${suffix}`;
    bucket = `berth-e2e-${suffix}`;
    adminUrl = deps.DATABASE_URL;
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`CREATE DATABASE ${database}`);
    await pg.end();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dist-'));
    basePort = await freePortRange(apps.length);
    platform = spawnProcess('npm', ['run', '--silent', 'start:distributed'], {
      cwd: workspaceRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        BERTH_BASE_PORT: String(basePort),
        BERTH_DATA_DIR: dataDir,
        DATABASE_URL: adminUrl.replace(/\/[^/]+$/, `/${database}`),
        S3_BUCKET: bucket,
      },
    });
  });

  afterAll(async () => {
    platform?.signal('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await pg.end();
    await removeBucket(bucket);
  });

  it('answers GET /v2/ through the registry app with the token challenge', async () => {
    const res = await waitFor(
      () => fetch(`http://127.0.0.1:${basePort}/v2/`).catch(() => undefined),
      120_000,
      250,
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/service\/token",service="berth-registry"$/,
    );
    expect(await res.json()).toEqual({
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
    });
  });

  it('starts every app, each ready on PostgreSQL, S3 and JetStream, after racing on one set of migrations', async () => {
    for (const [i, app] of apps.entries()) {
      const ready = await waitFor(
        async () => {
          const r = await fetch(`http://127.0.0.1:${basePort + i}/health/ready`).catch(
            () => undefined,
          );
          return r?.status === 200 ? r : undefined;
        },
        120_000,
        250,
      );
      expect(await ready.json(), app).toEqual({
        status: 'ready',
        dependencies: {
          database: { status: 'up' },
          storage: { status: 'up' },
          messaging: { status: 'up' },
        },
      });
    }
    const pg = new PgClient({ connectionString: adminUrl.replace(/\/[^/]+$/, `/${database}`) });
    await pg.connect();
    const { rows } = await pg.query(
      'SELECT name, count(*)::int AS n FROM berth_migrations GROUP BY name',
    );
    await pg.end();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r: { n: number }) => r.n === 1)).toBe(true);
    expect(fs.statSync(path.join(dataDir, 'auth', 'admin-password')).mode & 0o777).toBe(0o600);
  });

  it('stops every app on Ctrl-C', async () => {
    platform.signal('SIGINT');
    const { code, signal } = await waitForExit(platform, 30_000);
    // npm re-raises the Ctrl-C it forwarded, as in a terminal; each app must log its own clean shutdown.
    expect(code === 0 || signal === 'SIGINT', `exit ${code} ${signal}`).toBe(true);
    await waitFor(
      () => platform.output().split('"msg":"shutting down"').length - 1 === apps.length,
      15_000,
    );
    expect(
      platform
        .output()
        .split('\n')
        .filter((l) => /"level":(50|60)/.test(l)),
    ).toEqual([]);
    for (const [i] of apps.entries())
      await expect(fetch(`http://127.0.0.1:${basePort + i}/health/live`)).rejects.toThrow();
  });
});
