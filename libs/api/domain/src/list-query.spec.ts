import { describe, expect, it } from 'vitest';
import { HarborApiError } from './harbor-error';
import {
  MAX_LIST_VALUES,
  MAX_QUERY_LENGTH,
  MAX_QUERY_TERMS,
  parseListQuery,
  parseQ,
  parseSort,
  type QueryFieldAllowlist,
} from './list-query';

const USERS: QueryFieldAllowlist = {
  username: { type: 'string' },
  email: { type: 'string', kinds: ['exact', 'fuzzy'] },
  user_id: { type: 'integer' },
  creation_time: { type: 'time' },
  sysadmin_flag: { type: 'boolean' },
};

const badRequest = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HarborApiError);
    expect((e as HarborApiError).status).toBe(400);
    expect((e as HarborApiError).code).toBe('BAD_REQUEST');
    return (e as HarborApiError).message;
  }
  throw new Error('expected a 400');
};

describe('parseQ', () => {
  it.each([
    ['username=alice', [{ field: 'username', kind: 'exact', value: 'alice' }]],
    ['username=~ali', [{ field: 'username', kind: 'fuzzy', value: 'ali' }]],
    ['username%3D~ali', [{ field: 'username', kind: 'fuzzy', value: 'ali' }]],
    ['username=a+b', [{ field: 'username', kind: 'exact', value: 'a b' }]],
    ['username=\\~tilde', [{ field: 'username', kind: 'exact', value: '~tilde' }]],
    ['user_id=[1~10]', [{ field: 'user_id', kind: 'range', min: 1, max: 10 }]],
    ['user_id=[ 5 ~ ]', [{ field: 'user_id', kind: 'range', min: 5 }]],
    ['user_id=[~7]', [{ field: 'user_id', kind: 'range', max: 7 }]],
    ['user_id={1 2  3}', [{ field: 'user_id', kind: 'or', values: [1, 2, 3] }]],
    ['username=(a "b")', [{ field: 'username', kind: 'and', values: ['a', 'b'] }]],
    ['sysadmin_flag=true', [{ field: 'sysadmin_flag', kind: 'exact', value: true }]],
    [
      'creation_time=[2024-01-01T00:00:00~2024-02-01T00:00:00Z]',
      [
        {
          field: 'creation_time',
          kind: 'range',
          min: new Date('2024-01-01T00:00:00Z'),
          max: new Date('2024-02-01T00:00:00Z'),
        },
      ],
    ],
    [
      // Harbor's portal writes a space for the T.
      'creation_time=[2024-01-01 00:00:00~2024-02-01 00:00:00]',
      [
        {
          field: 'creation_time',
          kind: 'range',
          min: new Date('2024-01-01T00:00:00Z'),
          max: new Date('2024-02-01T00:00:00Z'),
        },
      ],
    ],
    [
      'username=~al,user_id=3',
      [
        { field: 'username', kind: 'fuzzy', value: 'al' },
        { field: 'user_id', kind: 'exact', value: 3 },
      ],
    ],
    // SQL metacharacters are only values.
    ["username=x' OR '1'='1", [{ field: 'username', kind: 'exact', value: "x' OR '1'='1" }]],
    ['username=~%_\\', [{ field: 'username', kind: 'fuzzy', value: '%_\\' }]],
    [
      'username=a;DROP TABLE user--',
      [{ field: 'username', kind: 'exact', value: 'a;DROP TABLE user--' }],
    ],
    // A malformed escape is kept as given, as Harbor does.
    ['username=100%', [{ field: 'username', kind: 'exact', value: '100%' }]],
  ])('parses %s', (q, expected) => {
    expect(parseQ(q, USERS)).toEqual(expected);
  });

  it.each([[undefined], ['']])('reads %j as no filter', (q) => {
    expect(parseQ(q, USERS)).toEqual([]);
  });

  it.each([
    ['password=x', 'not supported'],
    ['salt=~a', 'not supported'],
    ['secret=[1~2]', 'not supported'],
    ['__proto__=x', 'not supported'],
    ['constructor=x', 'not supported'],
    ['Username=alice', 'not supported'],
    [' username=alice', 'not supported'],
    ['username', 'must contain "="'],
    ['username=', 'must contain "="'],
    ['=alice', 'must contain "="'],
    ['username=alice,', 'must contain "="'],
    ['username=~', 'fuzzy'],
    ['user_id=~1', 'fuzzy'],
    ['email=[a~b]', 'range'],
    ['sysadmin_flag=[true~false]', 'range'],
    ['user_id=[1~2~3]', 'one "~"'],
    ['user_id=[~]', 'needs a bound'],
    ['user_id=[1~2', 'one "~"'],
    ['user_id=[9~1]', 'min is above max'],
    ['user_id={1 2', 'ends with "}"'],
    ['user_id=(1 2', 'ends with ")"'],
    ['user_id={ }', 'empty'],
    ['user_id=1.5', 'integer'],
    ['user_id=1 OR 1=1', 'integer'],
    ['user_id=99999999999999999', 'integer'],
    ['user_id={1 x}', 'integer'],
    ['sysadmin_flag=1', 'true or false'],
    ['creation_time=yesterday', 'time'],
    ['creation_time=2024-13-45T99:99:99', 'time'],
    ['username=a,username=b', 'more than once'],
  ])('refuses %s with 400 BAD_REQUEST', (q, message) => {
    expect(badRequest(() => parseQ(q, USERS))).toContain(message);
  });

  it('refuses oversized input', () => {
    expect(badRequest(() => parseQ(`username=${'a'.repeat(MAX_QUERY_LENGTH)}`, USERS))).toContain(
      'longer',
    );
    const many = Array.from({ length: MAX_QUERY_TERMS + 1 }, () => 'username=a').join(',');
    expect(badRequest(() => parseQ(many, USERS))).toContain('terms');
    const list = `user_id={${Array.from({ length: MAX_LIST_VALUES + 1 }, (_, i) => i).join(' ')}}`;
    expect(badRequest(() => parseQ(list, USERS))).toContain('more than');
  });

  it('keeps control characters and long input out of its messages', () => {
    const message = badRequest(() => parseQ(`${'\u0000'.repeat(3)}${'k'.repeat(200)}=v`, USERS));
    expect([...message].some((ch) => ch < ' ')).toBe(false);
    expect(message.length).toBeLessThan(120);
  });
});

describe('parseSort', () => {
  const allow = ['username', 'creation_time'];
  it.each([
    ['username', [{ field: 'username', direction: 'ASC' }]],
    [
      'username,-creation_time',
      [
        { field: 'username', direction: 'ASC' },
        { field: 'creation_time', direction: 'DESC' },
      ],
    ],
    ['', []],
  ])('parses %j', (raw, expected) => {
    expect(parseSort(raw, allow)).toEqual(expected);
  });

  it.each([
    ['password', 'not supported'],
    ['-salt', 'not supported'],
    ['username;DROP TABLE x', 'not supported'],
    ['--username', 'not supported'],
    ['username,', 'empty'],
    ['-', 'empty'],
    ['username,-username', 'more than once'],
    [Array.from({ length: 9 }, () => 'username').join(','), 'more than'],
  ])('refuses %j with 400', (raw, message) => {
    expect(badRequest(() => parseSort(raw, allow))).toContain(message);
  });
});

describe('parseListQuery', () => {
  const spec = {
    filters: USERS,
    sorts: ['username'],
    defaultSort: [{ field: 'username', direction: 'DESC' as const }],
  };

  it('reads the first q and sort and falls back to the default sort', () => {
    expect(parseListQuery({ q: ['user_id=1', 'password=x'] }, spec)).toEqual({
      filters: [{ field: 'user_id', kind: 'exact', value: 1 }],
      sorts: [{ field: 'username', direction: 'DESC' }],
    });
    expect(parseListQuery({ sort: 'username' }, spec).sorts).toEqual([
      { field: 'username', direction: 'ASC' },
    ]);
    expect(parseListQuery(undefined, spec)).toEqual({
      filters: [],
      sorts: [{ field: 'username', direction: 'DESC' }],
    });
  });
});
