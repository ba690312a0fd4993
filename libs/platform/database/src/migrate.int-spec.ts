import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDependencies } from '@berth/platform/testing';
import { createDataSource } from './data-source.factory';
import { platformDatabaseParts } from './database.module';
import { runMigrations } from './migrate';
import { SystemSettingRepository } from './system-setting.repository';

describe('migrations on SQLite', () => {
  let dir: string;
  beforeAll(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-db-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('apply once, then find nothing to do, and the data survives a reopen', async () => {
    const settings = { kind: 'sqlite' as const, file: path.join(dir, 'berth.db') };
    const first = createDataSource(settings, platformDatabaseParts);
    await first.initialize();
    expect((await runMigrations(first)).map((m) => m.name)).toEqual(['SystemSetting1764000000000']);
    await new SystemSettingRepository(first).getOrCreate('k', () => 'v1');
    await first.destroy();

    const second = createDataSource(settings, platformDatabaseParts);
    await second.initialize();
    expect(await runMigrations(second)).toEqual([]);
    expect(await new SystemSettingRepository(second).getOrCreate('k', () => 'v2')).toBe('v1');
    await second.destroy();
  });
});

describe('migrations on PostgreSQL', () => {
  let adminUrl: string;
  let url: string;
  const database = `berth_migrate_${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    adminUrl = ensureDependencies(['postgres']).DATABASE_URL;
    url = adminUrl.replace(/\/[^/]+$/, `/${database}`);
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`CREATE DATABASE ${database}`);
    await pg.end();
  });
  afterAll(async () => {
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await pg.end();
  });

  it('eight replicas migrating at once apply each migration exactly once, and none fails', async () => {
    const replicas = Array.from({ length: 8 }, () =>
      createDataSource({ kind: 'postgres', url, poolSize: 2 }, platformDatabaseParts),
    );
    await Promise.all(replicas.map((ds) => ds.initialize()));
    const applied = await Promise.all(replicas.map((ds) => runMigrations(ds)));
    expect(applied.map((a) => a.length).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    const rows: Array<{ name: string }> = await replicas[0].query(
      'SELECT name FROM berth_migrations',
    );
    expect(rows.map((r) => r.name)).toEqual(['SystemSetting1764000000000']);
    await Promise.all(replicas.map((ds) => ds.destroy()));
  });
});
