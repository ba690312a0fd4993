import type { ByteRange } from './blob-store.port';
import { RangeNotSatisfiableError } from './blob-store.errors';

/** A range checked against a blob's size: both ends inclusive and inside the blob. */
export interface ResolvedByteRange {
  start: number;
  end: number;
  length: number;
}

/**
 * Checks `range` against a blob of `size` bytes and clamps an `end` past the last byte, as
 * HTTP does. A range starting at or past the end (any range of an empty blob included) or a
 * malformed one (negative, fractional, end before start) throws RangeNotSatisfiableError.
 */
export function resolveByteRange(key: string, range: ByteRange, size: number): ResolvedByteRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new RangeNotSatisfiableError(key, size, `start ${start} is not a non-negative integer`);
  }
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new RangeNotSatisfiableError(
      key,
      size,
      `end ${end} is not an integer at or after start ${start}`,
    );
  }
  if (start >= size)
    throw new RangeNotSatisfiableError(key, size, `start ${start} is at or past the end`);
  const last = Math.min(end ?? size - 1, size - 1);
  return { start, end: last, length: last - start + 1 };
}

/**
 * Reads an HTTP `Range` header (`bytes=0-99`, `bytes=100-`, `bytes=-100`) for a blob of `size`
 * bytes. Returns undefined when the whole blob should be served: no header, a unit other than
 * bytes, several ranges or a syntax error, all of which RFC 9110 lets a server ignore.
 * @throws RangeNotSatisfiableError when the range is well formed but selects nothing
 */
export function parseRangeHeader(
  key: string,
  header: string | undefined,
  size: number,
): ResolvedByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return undefined;
  const [, first, last] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // A suffix range: the final N bytes, or the whole blob if it is shorter.
    const suffix = Number(last);
    if (!Number.isSafeInteger(suffix)) return undefined;
    if (suffix === 0) throw new RangeNotSatisfiableError(key, size, 'suffix length is 0');
    return resolveByteRange(key, { start: Math.max(0, size - suffix) }, size);
  }
  const start = Number(first);
  const end = last === '' ? undefined : Number(last);
  if (!Number.isSafeInteger(start) || (end !== undefined && !Number.isSafeInteger(end)))
    return undefined;
  if (end !== undefined && end < start) return undefined;
  return resolveByteRange(key, { start, end }, size);
}

/** The `Content-Range` value for a 206 answer. */
export function contentRange(range: ResolvedByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
