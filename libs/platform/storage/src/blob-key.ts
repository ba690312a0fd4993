import { InvalidBlobKeyError } from './blob-store.errors';

/** S3's limit on object names, which the filesystem driver shares so keys stay portable. */
export const MAX_BLOB_KEY_BYTES = 1024;

/** Top-level segment where drivers keep in-flight writes. */
export const RESERVED_TMP_SEGMENT = '_tmp';

// Safe unescaped on every filesystem we target and unambiguous once percent-encoded for S3.
const SEGMENT_CHARS = /^[A-Za-z0-9._~:@+=-]*$/;

/** Throws InvalidBlobKeyError unless `key` is a relative '/'-separated path the drivers accept. */
export function assertValidBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0)
    throw new InvalidBlobKeyError(String(key), 'must not be empty');
  checkCommon(key, key);
  const segments = key.split('/');
  segments.forEach((segment) => checkSegment(key, segment));
  if (segments[0] === RESERVED_TMP_SEGMENT) {
    throw new InvalidBlobKeyError(key, `the top-level segment ${RESERVED_TMP_SEGMENT} is reserved`);
  }
}

/**
 * Throws InvalidBlobKeyError unless `prefix` could begin a valid key. The empty prefix lists
 * everything; the last segment may be partial or empty (`blobs/sha256/a`, `uploads/`).
 */
export function assertValidBlobPrefix(prefix: string): void {
  if (typeof prefix !== 'string')
    throw new InvalidBlobKeyError(String(prefix), 'prefix must be a string');
  if (prefix === '') return;
  checkCommon(prefix, prefix);
  const segments = prefix.split('/');
  const last = segments.pop() ?? '';
  segments.forEach((segment) => checkSegment(prefix, segment));
  if (!SEGMENT_CHARS.test(last))
    throw new InvalidBlobKeyError(prefix, 'contains a character outside [A-Za-z0-9._~:@+=-]');
}

export function isValidBlobKey(key: string): boolean {
  try {
    assertValidBlobKey(key);
    return true;
  } catch {
    return false;
  }
}

function checkCommon(key: string, value: string): void {
  if (Buffer.byteLength(value, 'utf8') > MAX_BLOB_KEY_BYTES) {
    throw new InvalidBlobKeyError(key, `is longer than ${MAX_BLOB_KEY_BYTES} bytes`);
  }
  if (value.startsWith('/')) throw new InvalidBlobKeyError(key, 'must be relative (no leading /)');
}

function checkSegment(key: string, segment: string): void {
  if (segment === '')
    throw new InvalidBlobKeyError(key, 'has an empty segment (// or a trailing /)');
  if (segment === '.' || segment === '..')
    throw new InvalidBlobKeyError(key, `has a ${segment} segment`);
  if (!SEGMENT_CHARS.test(segment))
    throw new InvalidBlobKeyError(key, 'contains a character outside [A-Za-z0-9._~:@+=-]');
}
