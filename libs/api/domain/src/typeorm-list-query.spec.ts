import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListQuery, type ListQuerySpec } from './list-query';
import { applyListQuery, escapeLike } from './typeorm-list-query';

const SPEC: ListQuerySpec = {
  filters: {
    username: { type: 'string' },
    user_id: { type: 'integer' },
    creation_time: { type: 'time' },
  },
  sorts: ['username', 'creation_time'],
};
const COLUMNS = { username: 'u.username', user_id: 'u.id', creation_time: 'u.created_at' };
const NAMES = ['alice', 'bob', 'carol', '50%_off', 'a_c', "o'brien", 'Alicia', 'back\\slash'];

describe('applyListQuery on SQLite', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await ds.initialize();
    await ds.query(
      'CREATE TABLE app_user (id INTEGER PRIMARY KEY, username TEXT, created_at DATETIME, secret TEXT)',
    );
    for (const [i, name] of NAMES.entries())
      await ds.query('INSERT INTO app_user VALUES (?, ?, ?, ?)', [
        i + 1,
        name,
        `2024-01-${String(i + 1).padStart(2, '0')} 00:00:00.000`,
        `s${i}`,
      ]);
  });
  afterAll(() => ds.destroy());

  const run = async (query: { q: string; sort?: string }): Promise<string[]> => {
    const qb = ds.createQueryBuilder().select('u.username', 'username').from('app_user', 'u');
    applyListQuery(qb, parseListQuery(query, SPEC), COLUMNS);
    const rows = await qb.getRawMany<{ username: string }>();
    return rows.map((r) => r.username);
  };

  it.each([
    [{ q: 'username=bob' }, ['bob']],
    [{ q: 'username=~ali', sort: 'username' }, ['Alicia', 'alice']],
    [{ q: 'username=~%' }, ['50%_off']],
    [{ q: 'username=~_' }, ['50%_off', 'a_c']],
    [{ q: 'username=~\\' }, ['back\\slash']],
    [{ q: "username=o'brien" }, ["o'brien"]],
    [{ q: "username=x' OR '1'='1" }, []],
    [{ q: 'username={bob carol}', sort: '-username' }, ['carol', 'bob']],
    [{ q: 'username=(bob carol)' }, []],
    [{ q: 'user_id=[2~3]' }, ['bob', 'carol']],
    [{ q: 'user_id=[7~]', sort: 'username' }, ['Alicia', 'back\\slash']],
    [{ q: 'creation_time=[~2024-01-02T00:00:00]' }, ['alice', 'bob']],
    [{ q: 'username=~a,user_id=[~3]', sort: '-creation_time' }, ['carol', 'alice']],
  ])('%j selects %j', async (query: { q: string; sort?: string }, expected) => {
    const got = await run(query);
    expect(query.sort ? got : [...got].sort()).toEqual(
      query.sort ? expected : [...expected].sort(),
    );
  });

  it('binds every value: the SQL holds only placeholders and column names', () => {
    const qb = ds.createQueryBuilder().select('u.username').from('app_user', 'u');
    applyListQuery(
      qb,
      parseListQuery({ q: "username=~x' OR 1=1 --,user_id={1 2}", sort: '-username' }, SPEC),
      COLUMNS,
      { page: 2, pageSize: 5, offset: 5, limit: 5 },
    );
    const [sql, params] = qb.getQueryAndParameters();
    expect(sql).not.toContain('OR 1=1');
    expect(sql).toContain('LIMIT 5 OFFSET 5');
    // TypeORM's SQLite driver writes bound numbers inline; they are parsed integers, never text.
    expect(params).toContain("%x' OR 1=1 --%");
  });

  it('refuses column mappings that are not plain column names', () => {
    const qb = ds.createQueryBuilder().select('u.username').from('app_user', 'u');
    expect(() =>
      applyListQuery(qb, parseListQuery({ q: 'username=a' }, SPEC), {
        username: 'u.username OR 1=1',
      }),
    ).toThrow(/not a column expression/);
    expect(() => applyListQuery(qb, parseListQuery({ q: 'user_id=1' }, SPEC), {})).toThrow(
      /no column mapped/,
    );
  });

  it('escapes LIKE metacharacters', () => {
    expect(escapeLike('50%_\\x')).toBe('50\\%\\_\\\\x');
  });
});
