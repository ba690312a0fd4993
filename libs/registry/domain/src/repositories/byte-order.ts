import type { DataSource } from 'typeorm';

/**
 * `column`, compared and sorted by its bytes, as the distribution spec's lexical paging expects.
 * SQLite's default BINARY collation already is byte order; PostgreSQL uses the database's
 * collation (often a linguistic one such as en-US) unless told otherwise.
 */
export function inByteOrder(dataSource: DataSource, column: string): string {
  return dataSource.options.type === 'postgres' ? `${column} COLLATE "C"` : column;
}
