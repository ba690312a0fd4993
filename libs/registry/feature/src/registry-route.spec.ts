import { describe, expect, it } from 'vitest';
import { parseChunkRange, parseRegistryRoute } from './registry-route';

describe('parseRegistryRoute', () => {
  it.each([
    ['/v2/a/b/c/manifests/latest', { kind: 'manifest', name: 'a/b/c', reference: 'latest' }],
    [
      '/v2/a/manifests/manifests/sha256%3Aab',
      { kind: 'manifest', name: 'a/manifests', reference: 'sha256:ab' },
    ],
    ['/v2/a/b/blobs/uploads/', { kind: 'upload', name: 'a/b' }],
    ['/v2/a/b/blobs/uploads/123', { kind: 'upload', name: 'a/b', uploadId: '123' }],
    ['/v2/a/blobs/sha256:ab', { kind: 'blob', name: 'a', digest: 'sha256:ab' }],
    ['/v2/a/b/tags/list', { kind: 'tags', name: 'a/b' }],
    ['/v2/a/referrers/sha256:ab', { kind: 'referrers', name: 'a', digest: 'sha256:ab' }],
  ])('%s', (path, route) => expect(parseRegistryRoute(path)).toEqual(route));

  it('returns undefined for other paths and bad encoding', () => {
    expect(parseRegistryRoute('/v2/a/other')).toBeUndefined();
    expect(parseRegistryRoute('/v2/a/manifests/%E0%A4%A')).toBeUndefined();
  });
});

describe('parseChunkRange', () => {
  it('reads the spec form and the bytes form, and refuses nonsense', () => {
    expect(parseChunkRange(undefined)).toBeUndefined();
    expect(parseChunkRange('0-99')).toEqual({ start: 0, end: 99 });
    expect(parseChunkRange('bytes 100-199/*')).toEqual({ start: 100, end: 199 });
    expect(parseChunkRange('10-5')).toBe('invalid');
    expect(parseChunkRange('abc')).toBe('invalid');
  });
});
