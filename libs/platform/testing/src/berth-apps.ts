import * as crypto from 'node:crypto';
import { Client as PgClient } from 'pg';
import { waitFor } from './ports';
import { spawnProcess, waitForExit, type SpawnedProcess } from './processes';
import { workspaceRoot } from './real-dependencies';

/** One Berth app (`apps/<app>/src/main.ts`) to run as its own process, on loopback. */
export interface BerthAppOptions {
  /** The app's folder under `apps/`: `berth` (all-in-one), `registry`, `auth`, `scanner`… */
  app: string;
  port: number;
  /** Everything else the app reads (data dir, database, NATS, S3, passwords…). */
  env: Record<string, string | undefined>;
  /** Health endpoint awaited: `live` (serving) or `ready` (every dependency up; default). */
  health?: 'live' | 'ready';
  /** How long to wait for the health endpoint to answer 200 (default 90 s). */
  timeoutMs?: number;
}

/**
 * Starts one app from source as the e2e specs do and resolves once its health endpoint answers
 * 200; rejects with the app's output when it exits first or never gets there.
 */
export async function startBerthApp(opts: BerthAppOptions): Promise<SpawnedProcess> {
  const p = spawnProcess('node', ['-r', '@swc-node/register', `apps/${opts.app}/src/main.ts`], {
    cwd: workspaceRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BERTH_HTTP_HOST: '127.0.0.1',
      BERTH_HTTP_PORT: String(opts.port),
      ...opts.env,
    },
  });
  const url = `http://127.0.0.1:${opts.port}/health/${opts.health ?? 'ready'}`;
  let settled = false;
  const exited = p.exited.then(({ code, signal }) => {
    if (!settled)
      throw new Error(`${opts.app} exited (${code ?? signal}):\n${p.output().slice(-3000)}`);
  });
  try {
    await Promise.race([
      waitFor(
        async () => (await fetch(url).catch(() => undefined))?.status === 200,
        opts.timeoutMs ?? 90_000,
        200,
      ),
      exited,
    ]);
  } catch (e) {
    p.signal('SIGKILL');
    throw e;
  } finally {
    settled = true;
  }
  return p;
}

/** Asks a process group to stop (SIGTERM), SIGKILLs it after timeoutMs; never rejects. */
export async function stopGracefully(p: SpawnedProcess, timeoutMs = 15_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.signal('SIGTERM');
  await waitForExit(p, timeoutMs).catch(() => undefined);
}

/** SIGKILLs a process group, as a crash or the OOM killer would, and waits until it is gone. */
export async function killHard(p: SpawnedProcess): Promise<void> {
  p.signal('SIGKILL');
  await p.exited;
}

/** A PostgreSQL database of a test's own, beside the shared one. */
export interface TestDatabase {
  /** The connection URL of the new database. */
  url: string;
  /** Drops it, closing whatever connections remain. */
  drop(): Promise<void>;
}

/** Creates an empty database named `<prefix>_<random>` on the server of adminUrl. */
export async function createTestDatabase(adminUrl: string, prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
  const run = async (sql: string): Promise<void> => {
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    try {
      await pg.query(sql);
    } finally {
      await pg.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  return {
    url: adminUrl.replace(/\/[^/]+$/, `/${name}`),
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
