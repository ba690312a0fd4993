import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE, fetchPage, nextPageLink, pageSize } from './paging';

describe('paging', () => {
  it('clamps n and treats a malformed n as a full page', () => {
    expect(pageSize(undefined)).toBe(MAX_PAGE_SIZE);
    expect(pageSize('5')).toBe(5);
    expect(pageSize('0')).toBe(0);
    expect(pageSize('99999999')).toBe(MAX_PAGE_SIZE);
    expect(pageSize('-1')).toBe(MAX_PAGE_SIZE);
    expect(pageSize('abc')).toBe(MAX_PAGE_SIZE);
  });

  it('links to the next page only when more items exist', async () => {
    const names = ['a', 'b', 'c'];
    const source = async (last: string | undefined, limit: number) =>
      names.filter((n) => last === undefined || n > last).slice(0, limit);
    expect(await fetchPage('/v2/_catalog', '2', undefined, source)).toEqual({
      items: ['a', 'b'],
      next: '</v2/_catalog?n=2&last=b>; rel="next"',
    });
    expect(await fetchPage('/v2/_catalog', '2', 'b', source)).toEqual({ items: ['c'] });
    expect(nextPageLink('/v2/x/tags/list', 1, 'v 1')).toBe(
      '</v2/x/tags/list?n=1&last=v%201>; rel="next"',
    );
  });
});
