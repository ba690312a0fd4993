import type { DataSource, EntityManager } from 'typeorm';

export type SqlValue = string | number | boolean | null;

/** The most parameters one statement binds: below SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export interface BulkInsertOptions {
  /** Rows clashing with these unique columns are skipped (`ON CONFLICT (…) DO NOTHING`). */
  skipConflictsOn?: string[];
}

/**
 * Inserts many rows with one hand-written statement per chunk, bound positionally. For the
 * append-heavy tables (outbox, audit log) on the hot path: TypeORM's query builder rewrites
 * the SQL once per named parameter, which costs more than the insert itself at a few hundred
 * rows. Column names are the caller's constants, never input.
 */
export async function bulkInsert(
  db: DataSource | EntityManager,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly SqlValue[]>,
  options: BulkInsertOptions = {},
): Promise<void> {
  for (const name of [table, ...columns, ...(options.skipConflictsOn ?? [])])
    if (!IDENTIFIER.test(name)) throw new Error(`not an identifier: ${name}`);
  const dataSource = (db as Partial<EntityManager>).connection ?? (db as DataSource);
  const postgres = dataSource.options.type === 'postgres';
  const perChunk = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const conflict = options.skipConflictsOn
    ? ` ON CONFLICT (${options.skipConflictsOn.map((c) => `"${c}"`).join(', ')}) DO NOTHING`
    : '';
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
  for (let i = 0; i < rows.length; i += perChunk) {
    const chunk = rows.slice(i, i + perChunk);
    const params: SqlValue[] = [];
    const tuples = chunk.map((row) => {
      if (row.length !== columns.length)
        throw new Error(`row has ${row.length} values, not ${columns.length}`);
      const marks = row.map((v) => {
        // better-sqlite3 binds no booleans; SQLite stores them as 0/1 anyway.
        params.push(!postgres && typeof v === 'boolean' ? (v ? 1 : 0) : v);
        return postgres ? `$${params.length}` : '?';
      });
      return `(${marks.join(', ')})`;
    });
    await db.query(`${head}${tuples.join(', ')}${conflict}`, params);
  }
}
