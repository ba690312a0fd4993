import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnProcess, waitForExit, workspaceRoot } from '@berth/platform/testing';

// `npm run migrate`: the documented way to prepare a database before starting Berth.
describe('npm run migrate', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-migrate-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const migrate = async (
    env: Record<string, string> = {},
  ): Promise<{ code: number | null; output: string }> => {
    const p = spawnProcess('npm', ['run', '--silent', 'migrate'], {
      cwd: workspaceRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, BERTH_DATA_DIR: dataDir, ...env },
    });
    const { code } = await waitForExit(p, 60_000);
    return { code, output: p.output() };
  };

  it('applies every migration once, then reports the database up to date', async () => {
    const first = await migrate();
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/berth: applied SystemSetting\d+\n/);
    expect(first.output).toMatch(/berth: applied Outbox\d+\n/);
    expect(fs.existsSync(path.join(dataDir, 'berth.db'))).toBe(true);

    const second = await migrate();
    expect(second.code).toBe(0);
    expect(second.output.trim()).toBe('berth: database is up to date');
  });

  it('refuses a bad DATABASE_URL with one line and exit status 2', async () => {
    const r = await migrate({ DATABASE_URL: 'mysql://root@127.0.0.1/berth' });
    expect(r.code).toBe(2);
    expect(r.output.trim()).toMatch(/^berth: invalid configuration: DATABASE_URL /);
  });
});
