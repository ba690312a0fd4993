import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startService, type RunningService } from '@berth/platform/runtime';
import { freePort } from '@berth/platform/testing';
import { allInOne } from '../all-in-one';

export interface TestBerth {
  service: RunningService;
  base: string;
  dataDir: string;
}

/**
 * The all-in-one composition booted in this process on SQLite and a temporary data dir; `env`
 * adds or overrides settings (e.g. `BERTH_WEBHOOK_ALLOW_PRIVATE`).
 */
export async function startTestBerth(
  dataDirPrefix: string,
  adminPassword: string,
  env: Record<string, string> = {},
): Promise<TestBerth> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), dataDirPrefix));
  const port = await freePort();
  const service = await startService(allInOne, {
    BERTH_HTTP_PORT: String(port),
    BERTH_HTTP_HOST: '127.0.0.1',
    BERTH_DATA_DIR: dataDir,
    BERTH_ADMIN_PASSWORD: adminPassword,
    BERTH_LOG_LEVEL: 'silent',
    ...env,
  });
  return { service, base: `http://127.0.0.1:${port}`, dataDir };
}
