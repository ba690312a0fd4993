import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from './data-source.factory';
import { platformDatabaseParts } from './database.module';
import { runMigrations } from './migrate';
import { SystemSettingEntity } from './system-setting.entity';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('transactions on SQLite take turns', () => {
  let dir: string;
  let ds: DataSource;
  const row = (key: string) => ({ key, value: key, updatedAt: new Date().toISOString() });
  const has = async (key: string): Promise<boolean> =>
    (await ds.getRepository(SystemSettingEntity).findOneBy({ key })) !== null;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sqlite-tx-'));
    ds = createDataSource(
      { kind: 'sqlite', file: path.join(dir, 'berth.db') },
      platformDatabaseParts,
    );
    await ds.initialize();
    await runMigrations(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a committed transaction when another one, begun before it, rolls back', async () => {
    const failing = ds
      .transaction(async (em) => {
        await em.insert(SystemSettingEntity, row('first'));
        await sleep(50); // the second transaction begins meanwhile
        throw new Error('changed my mind');
      })
      .catch((e: Error) => e.message);
    await sleep(10);
    const committed = ds.transaction(async (em) => {
      await em.insert(SystemSettingEntity, row('second'));
    });
    expect(await failing).toBe('changed my mind');
    await committed;
    expect(await has('first')).toBe(false);
    expect(await has('second')).toBe(true);
  });

  it("nests a transaction begun through the outer one's manager as a savepoint", async () => {
    await ds.transaction(async (em) => {
      await em.insert(SystemSettingEntity, row('outer'));
      await em
        .transaction(async (inner) => {
          await inner.insert(SystemSettingEntity, row('inner'));
          throw new Error('inner fails');
        })
        .catch(() => undefined);
    });
    expect(await has('outer')).toBe(true);
    expect(await has('inner')).toBe(false);
  });

  it('does not wait forever for a transaction begun through the data source inside another', async () => {
    await ds.transaction(async (em) => {
      await em.insert(SystemSettingEntity, row('waiting-outer'));
      await ds.transaction(async (inner) => {
        await inner.insert(SystemSettingEntity, row('waiting-inner'));
      });
    });
    expect(await has('waiting-outer')).toBe(true);
    expect(await has('waiting-inner')).toBe(true);
  });
});
