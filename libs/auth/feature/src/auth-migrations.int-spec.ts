import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client as PgClient } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseSettings } from '@berth/platform/config';
import {
  createDataSource,
  mergeParts,
  platformDatabaseParts,
  runMigrations,
} from '@berth/platform/database';
import { exportPrivateJwk, generateSigningKey } from '@berth/platform/jwt';
import { ensureDependencies } from '@berth/platform/testing';
import { authDatabaseParts } from './auth-database.parts';
import { AuthSigningKey1764000003000 } from './migrations/1764000003000-auth-signing-key';
import { RefreshTokenRepository } from './refresh-tokens/refresh-token.repository';
import { SigningKeyEntity } from './signing-keys/signing-key.entity';
import { SigningKeyRepository } from './signing-keys/signing-key.repository';

/** A database with a signing key from before rotation, upgraded; then the new tables in use. */
async function upgradeAndUse(settings: DatabaseSettings): Promise<void> {
  const before = createDataSource(settings, {
    entities: platformDatabaseParts.entities,
    migrations: [...platformDatabaseParts.migrations, AuthSigningKey1764000003000],
  });
  await before.initialize();
  await runMigrations(before);
  const key = generateSigningKey();
  await before.query(
    `INSERT INTO auth_signing_key (kid, generation, algorithm, private_jwk, created_at) VALUES ('${key.kid}', 1, 'ES256', '${JSON.stringify(exportPrivateJwk(key))}', '2025-01-01T00:00:00.000Z')`,
  );
  await before.destroy();

  const ds = createDataSource(settings, mergeParts(platformDatabaseParts, authDatabaseParts));
  await ds.initialize();
  try {
    expect((await runMigrations(ds)).map((m) => m.name)).toEqual(['AuthRefreshToken1764000020000']);
    // A key from before rotation signs since its creation.
    expect(await new SigningKeyRepository(ds).findAll()).toMatchObject([
      { kid: key.kid, activatesAt: '2025-01-01T00:00:00.000Z' },
    ]);
    await new SigningKeyRepository(ds).delete(key.kid);
    expect(await ds.getRepository(SigningKeyEntity).count()).toBe(0);

    const tokens = new RefreshTokenRepository(ds);
    const row = {
      selector: 's'.repeat(22),
      verifierHash: 'a'.repeat(64),
      userId: 7,
      robotId: null,
      clientId: 'docker',
      credentialStamp: 'b'.repeat(64),
      createdAt: '2025-01-01T00:00:00.000Z',
      expiresAt: '2025-01-31T00:00:00.000Z',
    };
    await tokens.insert(row);
    expect(await tokens.findBySelector(row.selector)).toEqual(row);
    await tokens.deleteExpired('2025-01-30T23:59:59.999Z');
    expect(await tokens.findBySelector(row.selector)).not.toBeNull();
    await tokens.deleteExpired('2025-01-31T00:00:00.001Z');
    expect(await tokens.findBySelector(row.selector)).toBeNull();
  } finally {
    await ds.destroy();
  }
}

describe('auth migrations: refresh tokens and key activation', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-auth-db-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('upgrade and use on SQLite', async () => {
    await upgradeAndUse({ kind: 'sqlite', file: path.join(dir, 'a.db') });
  });

  it('upgrade and use on PostgreSQL', async () => {
    const adminUrl = ensureDependencies(['postgres']).DATABASE_URL;
    const database = `berth_auth_${Math.random().toString(36).slice(2, 8)}`;
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
