import {
  Brackets,
  type ObjectLiteral,
  type SelectQueryBuilder,
  type WhereExpressionBuilder,
} from 'typeorm';
import type { FilterCondition, FilterValue, ListQuery } from './list-query';
import type { Paging } from './paging';

/**
 * Where an API field lives in the query: a column expression written by the repository
 * (`"u"."username"`, `u.username`), never by the caller. A function builds the condition
 * itself for fields that are not one column (tags, labels), binding every value it uses.
 */
export type ListColumn =
  string | ((condition: FilterCondition, param: (value: unknown) => string) => string);

export type ListColumns = Readonly<Record<string, ListColumn>>;

// A column expression is an identifier path, optionally quoted: no spaces, operators or literals.
const COLUMN_EXPRESSION =
  /^(?:"[A-Za-z_][A-Za-z0-9_]*"|[A-Za-z_][A-Za-z0-9_]*)(?:\.(?:"[A-Za-z_][A-Za-z0-9_]*"|[A-Za-z_][A-Za-z0-9_]*))?$/;

/** `%`, `_` and the escape character itself lose their LIKE meaning. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Adds a parsed `q`/`sort` (and a page) to a TypeORM query. Every caller value goes in as a
 * bound parameter; only the repository's own column expressions are written into the SQL.
 * Conditions are ANDed; a field with no entry in `columns` is a programming error and throws.
 */
export function applyListQuery<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  query: ListQuery,
  columns: ListColumns,
  paging?: Paging,
): SelectQueryBuilder<T> {
  let n = 0;
  // Parameter names are unique per call so they cannot collide with the repository's own.
  const prefix = `lq${Math.random().toString(36).slice(2, 8)}_`;
  const params: Record<string, unknown> = {};
  const param = (value: unknown): string => {
    const name = `${prefix}${n++}`;
    // Dates stay Dates: each TypeORM driver binds them in the form its columns store.
    params[name] = value;
    return `:${name}`;
  };
  for (const condition of query.filters) {
    const column = columnFor(columns, condition.field);
    const sql =
      typeof column === 'function'
        ? column(condition, param)
        : conditionSql(column, condition, param);
    qb.andWhere(new Brackets((w: WhereExpressionBuilder) => void w.where(sql)));
  }
  qb.setParameters({ ...qb.getParameters(), ...params });
  query.sorts.forEach((s, i) => {
    const column = columnFor(columns, s.field);
    if (typeof column === 'function') throw new Error(`cannot sort by computed field ${s.field}`);
    if (i === 0) qb.orderBy(column, s.direction);
    else qb.addOrderBy(column, s.direction);
  });
  if (paging) qb.offset(paging.offset).limit(paging.limit);
  return qb;
}

function columnFor(columns: ListColumns, field: string): ListColumn {
  const column = Object.hasOwn(columns, field) ? columns[field] : undefined;
  if (column === undefined) throw new Error(`no column mapped for list field ${field}`);
  if (typeof column === 'string' && !COLUMN_EXPRESSION.test(column))
    throw new Error(`not a column expression: ${column}`);
  return column;
}

function conditionSql(
  column: string,
  c: FilterCondition,
  param: (value: FilterValue | string) => string,
): string {
  switch (c.kind) {
    case 'exact':
      return `${column} = ${param(c.value)}`;
    case 'fuzzy':
      return `LOWER(${column}) LIKE LOWER(${param(`%${escapeLike(c.value)}%`)}) ESCAPE '\\'`;
    case 'range': {
      const parts: string[] = [];
      if (c.min !== undefined) parts.push(`${column} >= ${param(c.min)}`);
      if (c.max !== undefined) parts.push(`${column} <= ${param(c.max)}`);
      return parts.join(' AND ');
    }
    case 'or':
      return c.values.map((v) => `${column} = ${param(v)}`).join(' OR ');
    case 'and':
      return c.values.map((v) => `${column} = ${param(v)}`).join(' AND ');
  }
}
