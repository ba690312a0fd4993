import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DataSource,
  type DataSourceOptions,
  type EntitySchema,
  type MigrationInterface,
} from 'typeorm';
import type { DatabaseSettings } from '@berth/platform/config';
import { serializeSqliteTransactions } from './sqlite-transactions';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityClass = Function | EntitySchema;
export type MigrationClass = new () => MigrationInterface;

export interface DataSourceParts {
  entities: EntityClass[];
  migrations: MigrationClass[];
}

/** Builds (without connecting) a TypeORM data source for SQLite or PostgreSQL. */
export function createDataSource(settings: DatabaseSettings, parts: DataSourceParts): DataSource {
  const common = {
    entities: parts.entities,
    migrations: parts.migrations,
    migrationsTableName: 'berth_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
  } as const;
  let options: DataSourceOptions;
  if (settings.kind === 'sqlite') {
    fs.mkdirSync(path.dirname(settings.file), { recursive: true });
    options = {
      ...common,
      type: 'better-sqlite3',
      database: settings.file,
      // WAL lets readers proceed while a writer commits; busy_timeout rides out short write locks.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
        db.pragma('synchronous = NORMAL');
        // Checkpoint every 16 MiB of WAL instead of 4: hot pages (index ends of busy append-only
        // tables like the outbox and the audit log) are copied back to the database less often.
        db.pragma('wal_autocheckpoint = 4000');
      },
    };
  } else {
    options = {
      ...common,
      type: 'postgres',
      url: settings.url,
      extra: { max: settings.poolSize, connectionTimeoutMillis: 10_000 },
    };
  }
  const dataSource = new DataSource(options);
  if (settings.kind === 'sqlite') serializeSqliteTransactions(dataSource);
  return dataSource;
}
