import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client as PgClient } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createDataSource,
  mergeParts,
  platformDatabaseParts,
  runMigrations,
  SystemSettingRepository,
} from '@berth/platform/database';
import type { DatabaseSettings } from '@berth/platform/config';
import { ensureDependencies } from '@berth/platform/testing';
import { identityDatabaseParts } from './identity-database.parts';
import { TypeOrmUserRepository } from './user.repository';
import { TypeOrmUserSessionRepository } from './user-session.repository';

/** An install from before users: the admin's hash in system_setting, then the user migration. */
async function upgradeAndUse(settings: DatabaseSettings): Promise<void> {
  const before = createDataSource(settings, platformDatabaseParts);
  await before.initialize();
  await runMigrations(before);
  await new SystemSettingRepository(before).set('admin.password_hash', 'scrypt$old-hash');
  await before.destroy();

  const ds = createDataSource(settings, mergeParts(platformDatabaseParts, identityDatabaseParts));
  await ds.initialize();
  try {
    expect((await runMigrations(ds)).map((m) => m.name)).toEqual([
      'User1764000004000',
      'Robot1764000011000',
    ]);
    const users = new TypeOrmUserRepository(ds);
    expect(await users.findById(1)).toMatchObject({
      username: 'admin',
      sysadmin: true,
      passwordHash: 'scrypt$old-hash',
      deleted: false,
    });
    expect(await new SystemSettingRepository(ds).get('admin.password_hash')).toBeUndefined();

    const bob = await users.create({
      username: 'bob',
      email: 'bob@example.com',
      realname: '',
      comment: '',
      passwordHash: 'h',
      sysadmin: false,
    });
    expect(bob.id).toBe(2);
    await expect(
      users.create({ ...bob, username: 'bob', email: 'other@example.com' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      users.create({ ...bob, username: 'bob2', email: 'bob@example.com' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await users.countSysadmins()).toBe(1);
    expect(await users.setPasswordHashIfUnset(1, 'x')).toBe(false);
    const page = { offset: 0, limit: 10 };
    const fuzzy = (value: string) => ({
      filters: [{ field: 'username', kind: 'fuzzy' as const, value }],
      sorts: [],
    });
    expect((await users.list(fuzzy('b_'), page)).total).toBe(0); // LIKE wildcards are literal
    expect((await users.list(fuzzy('O'), page)).users.map((u) => u.username)).toEqual(['bob']);
    expect(
      (
        await users.list({ filters: [], sorts: [{ field: 'username', direction: 'DESC' }] }, page)
      ).users.map((u) => u.username),
    ).toEqual(['bob', 'admin']);
    expect((await users.searchByUsernamePrefix('B', page)).users.map((u) => u.id)).toEqual([2]);
    expect((await users.searchByUsernamePrefix('o', page)).total).toBe(0); // a prefix, not a substring
    expect((await users.searchByUsernamePrefix('%', page)).total).toBe(0);

    const sessions = new TypeOrmUserSessionRepository(ds);
    await sessions.insert({
      sessionHash: 'a'.repeat(64),
      userId: 2,
      creationTime: '2025-01-01T00:00:00.000Z',
      expiresAt: '2025-01-01T08:00:00.000Z',
    });
    expect(await sessions.findActive('a'.repeat(64), '2025-01-01T07:59:59.999Z')).not.toBeNull();
    expect(await sessions.findActive('a'.repeat(64), '2025-01-01T08:00:00.000Z')).toBeNull();
    await sessions.deleteExpired('2025-01-02T00:00:00.000Z');
    expect(await sessions.findActive('a'.repeat(64), '2025-01-01T00:00:00.000Z')).toBeNull();
  } finally {
    await ds.destroy();
  }
}

describe('user table migration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-users-db-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('moves the admin password into user 1 on SQLite', async () => {
    await upgradeAndUse({ kind: 'sqlite', file: path.join(dir, 'b.db') });
  });

  it('moves the admin password into user 1 on PostgreSQL, and the next user gets id 2', async () => {
    const adminUrl = ensureDependencies(['postgres']).DATABASE_URL;
    const database = `berth_users_${Math.random().toString(36).slice(2, 8)}`;
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`CREATE DATABASE ${database}`);
    try {
      await upgradeAndUse({
        kind: 'postgres',
        url: adminUrl.replace(/\/[^/]+$/, `/${database}`),
        poolSize: 2,
      });
    } finally {
      await pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await pg.end();
    }
  });
});
