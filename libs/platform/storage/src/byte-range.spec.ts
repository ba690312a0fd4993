import { describe, expect, it } from 'vitest';
import { RangeNotSatisfiableError } from './blob-store.errors';
import { contentRange, parseRangeHeader, resolveByteRange } from './byte-range';

const KEY = 'blobs/x';

function unsatisfiable(run: () => unknown): RangeNotSatisfiableError {
  try {
    run();
  } catch (e) {
    if (e instanceof RangeNotSatisfiableError) return e;
    throw e;
  }
  throw new Error('expected RangeNotSatisfiableError');
}

describe('resolveByteRange', () => {
  it.each([
    [{ start: 0 }, 100, { start: 0, end: 99, length: 100 }],
    [{ start: 40 }, 100, { start: 40, end: 99, length: 60 }],
    [{ start: 10, end: 19 }, 100, { start: 10, end: 19, length: 10 }],
    [{ start: 5, end: 5 }, 100, { start: 5, end: 5, length: 1 }],
    [{ start: 99, end: 99 }, 100, { start: 99, end: 99, length: 1 }],
    [{ start: 90, end: 1000 }, 100, { start: 90, end: 99, length: 10 }],
  ])('resolves %j of %i bytes', (range, size, expected) => {
    expect(resolveByteRange(KEY, range, size)).toEqual(expected);
  });

  it.each([
    [{ start: 100 }, 100],
    [{ start: 101, end: 200 }, 100],
    [{ start: 0 }, 0],
    [{ start: 10, end: 9 }, 100],
    [{ start: -1 }, 100],
    [{ start: 1.5 }, 100],
    [{ start: 0, end: 2.5 }, 100],
    [{ start: Number.NaN }, 100],
  ])('rejects %j of %i bytes, carrying key and size', (range, size) => {
    const error = unsatisfiable(() => resolveByteRange(KEY, range, size));
    expect(error).toMatchObject({ code: 'RANGE_NOT_SATISFIABLE', key: KEY, size });
  });
});

describe('parseRangeHeader', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99, length: 100 }],
    ['bytes=100-', { start: 100, end: 999, length: 900 }],
    ['bytes=-100', { start: 900, end: 999, length: 100 }],
    ['bytes=-5000', { start: 0, end: 999, length: 1000 }],
    ['bytes=990-5000', { start: 990, end: 999, length: 10 }],
    ['BYTES = 1 - 2', { start: 1, end: 2, length: 2 }],
  ])('reads %j for a 1000-byte blob', (header, expected) => {
    expect(parseRangeHeader(KEY, header, 1000)).toEqual(expected);
  });

  it.each([
    undefined,
    '',
    'items=0-1',
    'bytes=0-1,5-6',
    'bytes=-',
    'bytes=a-b',
    'bytes=5-1',
    'bytes 0-1',
  ])('ignores %j, so the whole blob is served', (header) => {
    expect(parseRangeHeader(KEY, header, 1000)).toBeUndefined();
  });

  it.each(['bytes=1000-', 'bytes=2000-3000', 'bytes=-0'])(
    'refuses %j as unsatisfiable',
    (header) => {
      expect(unsatisfiable(() => parseRangeHeader(KEY, header, 1000)).size).toBe(1000);
    },
  );

  it('refuses any range of an empty blob', () => {
    expect(() => parseRangeHeader(KEY, 'bytes=0-', 0)).toThrow(RangeNotSatisfiableError);
    expect(() => parseRangeHeader(KEY, 'bytes=-1', 0)).toThrow(RangeNotSatisfiableError);
  });

  it('formats Content-Range', () => {
    expect(contentRange({ start: 0, end: 99, length: 100 }, 1000)).toBe('bytes 0-99/1000');
  });
});
