import { describe, expect, it } from 'vitest';
import { OciError, isValidRepositoryName, isValidTag, parseDigest } from './index';

describe('repository names', () => {
  it.each(['library/alpine', 'a', 'team/sub.group/app_x', 'a__b', 'a--b/c'])('accepts %s', (n) =>
    expect(isValidRepositoryName(n)).toBe(true),
  );
  it.each([
    '',
    'Library/alpine',
    '../etc',
    'a/../b',
    'a//b',
    '/a',
    'a/',
    'a_',
    `${'a'.repeat(256)}`,
  ])('refuses %s', (n) => expect(isValidRepositoryName(n)).toBe(false));
});

describe('tags', () => {
  it('accepts up to 128 characters and refuses a leading dot or dash', () => {
    expect(isValidTag('v1.2.3-rc_1')).toBe(true);
    expect(isValidTag('a'.repeat(128))).toBe(true);
    expect(isValidTag('a'.repeat(129))).toBe(false);
    expect(isValidTag('.hidden')).toBe(false);
    expect(isValidTag('-x')).toBe(false);
  });
});

describe('digests', () => {
  const hex = 'a'.repeat(64);
  it('parses sha256 and refuses wrong lengths, upper case and unknown algorithms', () => {
    expect(parseDigest(`sha256:${hex}`)).toEqual({ algorithm: 'sha256', encoded: hex });
    expect(parseDigest(`sha256:${hex.slice(1)}`)).toBeUndefined();
    expect(parseDigest(`sha256:${hex.toUpperCase()}`)).toBeUndefined();
    expect(parseDigest(`md5:${hex}`)).toBeUndefined();
    expect(parseDigest('sha256')).toBeUndefined();
  });
});

describe('OCI errors', () => {
  it('renders the spec body and status', () => {
    const e = new OciError('NAME_UNKNOWN', 'repository name not known to registry', { name: 'x' });
    expect(e.status).toBe(404);
    expect(e.toBody()).toEqual({
      errors: [
        {
          code: 'NAME_UNKNOWN',
          message: 'repository name not known to registry',
          detail: { name: 'x' },
        },
      ],
    });
  });
});
