import { describe, expect, it } from 'vitest';
import { HarborApiError } from './harbor-error';
import { pageHeaders, pageLinks, parsePaging } from './paging';

describe('parsePaging', () => {
  it.each([
    [{}, { page: 1, pageSize: 10, offset: 0, limit: 10 }],
    [
      { page: '3', page_size: '25' },
      { page: 3, pageSize: 25, offset: 50, limit: 25 },
    ],
    [
      { page: '', page_size: '' },
      { page: 1, pageSize: 10, offset: 0, limit: 10 },
    ],
    [
      { page: ['2', '9'], page_size: '100' },
      { page: 2, pageSize: 100, offset: 100, limit: 100 },
    ],
    [{ page: '+4' }, { page: 4, pageSize: 10, offset: 30, limit: 10 }],
  ])('reads %j', (query, expected) => {
    expect(parsePaging(query)).toEqual(expected);
  });

  it.each([
    [{ page: '0' }, 'greater than or equal to 1'],
    [{ page: '-1' }, 'greater than or equal to 1'],
    [{ page: 'abc' }, 'int64'],
    [{ page: '1.5' }, 'int64'],
    [{ page: '1e3' }, 'int64'],
    [{ page: '1 OR 1=1' }, 'int64'],
    [{ page: '99999999999999999999' }, 'int64'],
    [{ page: '1000000001' }, 'less than or equal to'],
    [{ page_size: '0' }, 'greater than or equal to 1'],
    [{ page_size: '101' }, 'less than or equal to 100'],
  ])('refuses %j with 422 UNPROCESSABLE_ENTITY', (query, message) => {
    let error: unknown;
    try {
      parsePaging(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HarborApiError);
    expect(error).toMatchObject({ status: 422, code: 'UNPROCESSABLE_ENTITY' });
    expect((error as Error).message).toContain(message);
  });
});

describe('pageLinks', () => {
  const paging = (page: number, pageSize: number) => ({
    page,
    pageSize,
    offset: (page - 1) * pageSize,
    limit: pageSize,
  });

  it.each([
    // Harbor's conditions: prev when page > 1 and (page-1)*size < total; next when page*size < total.
    ['/api/v2.0/users', 1, 10, 5, undefined],
    ['/api/v2.0/users', 1, 10, 10, undefined],
    ['/api/v2.0/users', 1, 10, 11, '</api/v2.0/users?page=2&page_size=10>; rel="next"'],
    [
      '/api/v2.0/users?page=2&page_size=10',
      2,
      10,
      30,
      '</api/v2.0/users?page=1&page_size=10>; rel="prev" , </api/v2.0/users?page=3&page_size=10>; rel="next"',
    ],
    ['/api/v2.0/users?page=3', 3, 10, 30, '</api/v2.0/users?page=2&page_size=10>; rel="prev"'],
    // Past the end: no prev either, as Harbor.
    ['/api/v2.0/users?page=9', 9, 10, 30, undefined],
    // Other parameters kept, keys sorted, values escaped as Go's url.Values.Encode.
    [
      '/api/v2.0/projects?sort=-name&q=name%3D~lib&page=1&with_detail=true',
      1,
      1,
      2,
      '</api/v2.0/projects?page=2&page_size=1&q=name%3D~lib&sort=-name&with_detail=true>; rel="next"',
    ],
    [
      '/api/v2.0/users?q=username%3D~a+b&q=x%2Cy',
      1,
      1,
      2,
      '</api/v2.0/users?page=2&page_size=1&q=username%3D~a+b&q=x%2Cy>; rel="next"',
    ],
    // An escaped '/' in a repository name is unescaped, as Harbor does.
    [
      '/api/v2.0/projects/library/repositories/a%2Fb/artifacts',
      1,
      1,
      2,
      '</api/v2.0/projects/library/repositories/a/b/artifacts?page=2&page_size=1>; rel="next"',
    ],
  ])('for %s page %i size %i of %i: %s', (url, page, size, total, expected) => {
    expect(pageLinks(url, paging(page, size), total)).toBe(expected);
  });

  it('puts X-Total-Count on every page and Link only when there are others', () => {
    expect(pageHeaders('/x', paging(1, 10), 3)).toEqual({ 'X-Total-Count': '3' });
    expect(pageHeaders('/x', paging(1, 1), 3)).toEqual({
      'X-Total-Count': '3',
      Link: '</x?page=2&page_size=1>; rel="next"',
    });
  });
});
