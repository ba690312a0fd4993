import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  spawnProcess,
  waitFor,
  waitForExit,
  workspaceRoot,
  type SpawnedProcess,
} from '@berth/platform/testing';

// `npm start` exactly as the README says, on a clean data directory.
describe('all-in-one: npm start', () => {
  let dataDir: string;
  let port: number;
  let base: string;
  const started: SpawnedProcess[] = [];

  const start = (extraEnv: Record<string, string> = {}): SpawnedProcess => {
    const p = spawnProcess('npm', ['start', '--silent'], {
      cwd: workspaceRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        BERTH_DATA_DIR: dataDir,
        BERTH_HTTP_PORT: String(port),
        BERTH_HTTP_HOST: '127.0.0.1',
        ...extraEnv,
      },
    });
    started.push(p);
    return p;
  };
  // npm re-raises the Ctrl-C it forwarded, as in a terminal; Berth itself must log its shutdown and no error.
  const expectCleanExit = async (p: SpawnedProcess): Promise<void> => {
    const { code, signal } = await waitForExit(p, 15_000);
    expect(code === 0 || signal === 'SIGINT', `exit ${code} ${signal}`).toBe(true);
    expect(p.output()).toContain('"msg":"shutting down"');
    expect(
      p
        .output()
        .split('\n')
        .filter((l) => /"level":(50|60)/.test(l)),
    ).toEqual([]);
  };
  const instanceIdIn = (log: string): string | undefined =>
    /"instanceId":"([0-9a-f-]{36})"/.exec(log)?.[1];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-aio-'));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => {
    for (const p of started) p.signal('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves GET /v2/ within 60 s with the token challenge, reports ready, and exits cleanly on Ctrl-C', async () => {
    const t0 = Date.now();
    const berth = start();
    const res = await waitFor(() => fetch(`${base}/v2/`).catch(() => undefined), 60_000, 200);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(60_000);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer realm="http://127.0.0.1:${port}/service/token",service="berth-registry"`,
    );
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(await res.json()).toEqual({
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
    });

    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      dependencies: {
        database: { status: 'up' },
        storage: { status: 'up' },
        messaging: { status: 'up' },
      },
    });
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect(await (await fetch(`${base}/api/v2.0/ping`)).text()).toBe('Pong');

    const traced = await fetch(`${base}/v2/`, { headers: { 'X-Request-Id': 'trace-me-123' } });
    expect(traced.headers.get('x-request-id')).toBe('trace-me-123');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /berth_http_requests_total\{[^}]*route="\/v2[^"]*"[^}]*status="401"[^}]*\} \d+/,
    );
    expect(metrics).toContain('berth_process_resident_memory_bytes');

    const passwordFile = path.join(dataDir, 'admin-password');
    expect(fs.statSync(passwordFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(passwordFile, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await waitFor(() => berth.output().includes(passwordFile), 10_000);
    const logLine = berth
      .output()
      .split('\n')
      .find((l) => l.includes('"reqId":"trace-me-123"'));
    expect(logLine && JSON.parse(logLine)).toMatchObject({
      service: 'berth',
      reqId: 'trace-me-123',
    });

    berth.signal('SIGINT');
    await expectCleanExit(berth);
    await expect(fetch(`${base}/v2/`)).rejects.toThrow();
  });

  it('keeps its data on a second start: same instance, same admin password', async () => {
    const first = started[0].output();
    const password = fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8');
    const again = start();
    await waitFor(() => fetch(`${base}/v2/`).catch(() => undefined), 60_000, 200);
    await waitFor(() => instanceIdIn(again.output()), 10_000);
    expect(instanceIdIn(again.output())).toBe(instanceIdIn(first));
    expect(fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8')).toBe(password);
    expect(again.output()).not.toContain('generated the admin password');
    again.signal('SIGINT');
    await expectCleanExit(again);
  });

  it('stops on a bad setting with one line naming it and a non-zero exit', async () => {
    const bad = start({ BERTH_HTTP_PORT: 'eighty' });
    const { code } = await waitForExit(bad, 30_000);
    expect(code).toBe(2);
    const lines = bad.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^berth: invalid configuration: BERTH_HTTP_PORT /);
  });
});
