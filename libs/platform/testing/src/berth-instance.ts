import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client as PgClient } from 'pg';
import { freePort, freePortRange, waitFor } from './ports';
import { removeBucket } from './s3-buckets';
import { spawnProcess, waitForExit, type SpawnedProcess } from './processes';
import { ociTool, type RegistryEndpoint } from './oci-tools';
import { ensureDependencies, workspaceRoot } from './real-dependencies';

/** A registry started for a test or a benchmark, reachable on loopback only. */
export interface RegistryInstance extends RegistryEndpoint {
  name: string;
  /** pid of the serving process (the Node process for all-in-one, the registry binary for CNCF). */
  pid: number;
  process: SpawnedProcess;
  output(): string;
  /** Stops the process group and removes temporary data. Safe to call twice. */
  stop(): Promise<void>;
  /** Berth: where /api/v2.0 is served (the one process, or the api app at base port + 2). */
  apiUrl?: string;
}

export type BerthMode = 'all-in-one' | 'distributed';

export interface StartBerthOptions {
  /** admin password (default: random). */
  password?: string;
  /** BERTH_LOG_LEVEL (default `warn`). */
  logLevel?: string;
  /** Extra environment for the Berth process(es). */
  env?: Record<string, string>;
  /** How long to wait for GET /v2/ to answer (default 120 s; distributed starts eight apps). */
  startTimeoutMs?: number;
}

const answers = async (url: string): Promise<boolean> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  if (!res) return false;
  await res.arrayBuffer().catch(() => undefined);
  return true;
};

/** Waits until url answers, failing at once when the process exits first. */
async function waitUntilServing(
  p: SpawnedProcess,
  url: string,
  what: string,
  timeoutMs: number,
): Promise<void> {
  let done = false;
  const exited = p.exited.then(({ code, signal }) => {
    if (!done) throw new Error(`${what} exited (${code ?? signal}):\n${p.output().slice(-4000)}`);
  });
  try {
    await Promise.race([waitFor(() => answers(url), timeoutMs, 250), exited]);
  } finally {
    done = true;
  }
}

async function stopProcess(p: SpawnedProcess, timeoutMs = 15_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.signal('SIGTERM');
  try {
    await waitForExit(p, timeoutMs); // kills the group with SIGKILL on timeout
  } catch {
    // killed
  }
}

/**
 * Boots Berth as the e2e specs do and waits until GET /v2/ answers (any status).
 * all-in-one: `node -r @swc-node/register apps/berth/src/main.ts` on a temp data dir and a free
 * port. distributed: tools/run/distributed.sh on a fresh PostgreSQL database and S3 bucket (the
 * shared dependencies from tools/deps/up.sh), eight consecutive ports from BERTH_BASE_PORT.
 */
export async function startBerth(
  mode: BerthMode,
  opts: StartBerthOptions = {},
): Promise<RegistryInstance> {
  const password = opts.password ?? crypto.randomBytes(18).toString('base64url');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-${mode}-`));
  const common = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BERTH_DATA_DIR: dataDir,
    BERTH_HTTP_HOST: '127.0.0.1',
    BERTH_ADMIN_PASSWORD: password,
    BERTH_LOG_LEVEL: opts.logLevel ?? 'warn',
  };
  let port: number;
  let proc: SpawnedProcess;
  let cleanupDb: (() => Promise<void>) | undefined;

  if (mode === 'all-in-one') {
    port = await freePort();
    proc = spawnProcess('node', ['-r', '@swc-node/register', 'apps/berth/src/main.ts'], {
      cwd: workspaceRoot,
      env: {
        ...common,
        BERTH_HTTP_PORT: String(port),
        BERTH_EXTERNAL_URL: `http://127.0.0.1:${port}`,
        ...opts.env,
      },
    });
  } else {
    const deps = ensureDependencies(['postgres', 'nats', 's3']);
    const suffix = crypto.randomBytes(4).toString('hex');
    const database = `berth_clients_${suffix}`;
    const adminUrl = deps.DATABASE_URL;
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`CREATE DATABASE ${database}`);
    await pg.end();
    cleanupDb = async () => {
      const c = new PgClient({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.end();
      await removeBucket(`berth-clients-${suffix}`, deps);
    };
    port = await freePortRange(8);
    proc = spawnProcess('bash', ['tools/run/distributed.sh'], {
      cwd: workspaceRoot,
      env: {
        ...common,
        BERTH_BASE_PORT: String(port),
        DATABASE_URL: adminUrl.replace(/\/[^/]+$/, `/${database}`),
        S3_BUCKET: `berth-clients-${suffix}`,
        ...opts.env,
      },
    });
  }

  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopProcess(proc, mode === 'distributed' ? 30_000 : 15_000);
    fs.rmSync(dataDir, { recursive: true, force: true });
    await cleanupDb?.().catch(() => undefined);
  };
  try {
    await waitUntilServing(proc, `${url}/v2/`, `berth ${mode}`, opts.startTimeoutMs ?? 120_000);
    // Distributed: every app (the auth app's token service above all) must be ready, not just the registry.
    if (mode === 'distributed')
      for (let i = 0; i < 8; i++) {
        const ready = `http://127.0.0.1:${port + i}/health/ready`;
        await waitFor(
          async () => (await fetch(ready).catch(() => undefined))?.status === 200,
          60_000,
          250,
        );
      }
  } catch (e) {
    await stop();
    throw new Error(`berth ${mode} did not answer GET /v2/: ${String(e)}`);
  }
  return {
    name: `berth ${mode}`,
    url,
    apiUrl: mode === 'all-in-one' ? url : `http://127.0.0.1:${port + 2}`,
    registryHost: `127.0.0.1:${port}`,
    username: 'admin',
    password,
    pid: proc.child.pid ?? 0,
    process: proc,
    output: proc.output,
    stop,
  };
}

export interface StartDistributionOptions {
  /** htpasswd (bcrypt) Basic auth with this user; anonymous when absent. */
  auth?: { username: string; password: string };
  /** Storage root (default: a fresh temp dir, removed on stop). */
  storageDir?: string;
  /** Send the registry's notifications (its webhook equivalent) to this URL. */
  notificationsUrl?: string;
}

/**
 * The CNCF distribution registry (pinned in tools/versions.env) on loopback: filesystem storage in
 * a temp dir, log level error, no access log, no tracing export, notifications only when asked.
 */
export async function startDistributionRegistry(
  opts: StartDistributionOptions = {},
): Promise<RegistryInstance> {
  const bin = ociTool('distribution-registry');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-distribution-'));
  const storage = opts.storageDir ?? path.join(dir, 'storage');
  fs.mkdirSync(storage, { recursive: true });
  const port = await freePort();
  let auth = '';
  if (opts.auth) {
    const line = execFileSync(
      ociTool('htpasswd'),
      ['-nbB', '-C', '5', opts.auth.username, opts.auth.password],
      { encoding: 'utf8' },
    ).trim();
    fs.writeFileSync(path.join(dir, 'htpasswd'), `${line}\n`, { mode: 0o600 });
    auth = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${path.join(dir, 'htpasswd')}\n`;
  }
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
    auth,
    opts.notificationsUrl
      ? [
          'notifications:',
          '  endpoints:',
          '    - name: webhook',
          `      url: ${opts.notificationsUrl}`,
          '      timeout: 3s',
          '      threshold: 5',
          '      backoff: 1s',
        ].join('\n')
      : '',
  ].join('\n');
  const configFile = path.join(dir, 'config.yml');
  fs.writeFileSync(configFile, config);
  const proc = spawnProcess(bin, ['serve', configFile], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      // distribution v3 exports traces over OTLP by default: turn every exporter off.
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_SDK_DISABLED: 'true',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopProcess(proc, 10_000);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(proc, `${url}/v2/`, 'distribution registry', 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    name: 'distribution',
    url,
    registryHost: `127.0.0.1:${port}`,
    username: opts.auth?.username,
    password: opts.auth?.password,
    pid: proc.child.pid ?? 0,
    process: proc,
    output: proc.output,
    stop,
  };
}

/**
 * Berth modes the real-client e2e tests (apps/berth/e2e/clients) run against: none unless
 * BERTH_CLIENT_E2E=1, then BERTH_CLIENT_E2E_MODES (default `all-in-one,distributed`).
 */
export function berthClientE2eModes(): BerthMode[] {
  if (process.env.BERTH_CLIENT_E2E === '0') return [];
  const wanted = (process.env.BERTH_CLIENT_E2E_MODES ?? 'all-in-one,distributed').split(',');
  return (['all-in-one', 'distributed'] as const).filter((m) => wanted.includes(m));
}
