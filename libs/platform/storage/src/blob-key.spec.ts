import { describe, expect, it } from 'vitest';
import { assertValidBlobKey, assertValidBlobPrefix, isValidBlobKey } from './blob-key';
import { InvalidBlobKeyError } from './blob-store.errors';

function reasonFor(check: () => void): string {
  try {
    check();
  } catch (e) {
    if (e instanceof InvalidBlobKeyError) return e.reason;
    throw e;
  }
  throw new Error('expected InvalidBlobKeyError');
}

describe('assertValidBlobKey', () => {
  it.each([
    'blobs/sha256/ab/abcdef0123',
    'uploads/0f8e1c2a-7d3b-4b8e-9c1d-2e3f4a5b6c7d/data',
    'repositories/library/nginx/_manifests/tags/1.27.0',
    'sha256:abc',
    'a+b@c=d~e',
    '_tmpx/ok',
    'nested/_tmp/ok',
    '..hidden/x..y',
    'x'.repeat(1024),
  ])('accepts %s', (key) => {
    expect(() => assertValidBlobKey(key)).not.toThrow();
    expect(isValidBlobKey(key)).toBe(true);
  });

  it.each([
    ['', 'must not be empty'],
    ['/etc/passwd', 'must be relative'],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['..', 'has a .. segment'],
    ['../x', 'has a .. segment'],
    ['a/../../x', 'has a .. segment'],
    ['a/./b', 'has a . segment'],
    ['_tmp/x', 'reserved'],
    ['_tmp', 'reserved'],
    ['a b', 'character outside'],
    ['a\\..\\b', 'character outside'],
    ['a\0b', 'character outside'],
    ['a?b', 'character outside'],
    ['café', 'character outside'],
    ['x'.repeat(1025), 'longer than 1024 bytes'],
  ])('rejects %j (%s)', (key, reason) => {
    expect(reasonFor(() => assertValidBlobKey(key))).toContain(reason);
    expect(isValidBlobKey(key)).toBe(false);
  });

  it('gives a typed error with a code and the offending key', () => {
    const error = (() => {
      try {
        assertValidBlobKey('../x');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidBlobKeyError);
    expect(error).toMatchObject({
      code: 'INVALID_BLOB_KEY',
      key: '../x',
      name: 'InvalidBlobKeyError',
    });
  });
});

describe('assertValidBlobPrefix', () => {
  it.each(['', 'blobs/', 'blobs/sha256/a', 'uploads', 'a/b/', '_tmp'])('accepts %j', (prefix) => {
    expect(() => assertValidBlobPrefix(prefix)).not.toThrow();
  });

  it.each(['/', '/blobs', '../', 'a/../', 'a//', 'a/./', 'a b', 'a/%'])('rejects %j', (prefix) => {
    expect(() => assertValidBlobPrefix(prefix)).toThrow(InvalidBlobKeyError);
  });
});
