import type { DataSource, Migration } from 'typeorm';

// Any fixed 64-bit key works; all replicas must agree on it.
const MIGRATION_LOCK_KEY = 4_242_000_001;

/**
 * Applies pending migrations. On PostgreSQL, replicas starting together serialize on an
 * advisory lock, so exactly one applies each migration and the others find nothing to do.
 */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  if (dataSource.options.type !== 'postgres') {
    return dataSource.runMigrations({ transaction: 'each' });
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}
