import { describe, expect, it } from 'vitest';
import { compareApkVersions, isValidApkVersion, parseApkVersion } from './apk-version';

describe('parseApkVersion', () => {
  it.each([
    ['1.2.3', { numbers: ['1', '2', '3'], letter: undefined, suffixes: [], revision: undefined }],
    ['3.0.8-r3', { numbers: ['3', '0', '8'], letter: undefined, suffixes: [], revision: '3' }],
    [
      '1.2a_rc1_p-r0',
      {
        numbers: ['1', '2'],
        letter: 'a',
        suffixes: [
          { name: 'rc', number: '1' },
          { name: 'p', number: undefined },
        ],
        revision: '0',
      },
    ],
    [
      '1.2.4_git20230717-r4',
      {
        numbers: ['1', '2', '4'],
        letter: undefined,
        suffixes: [{ name: 'git', number: '20230717' }],
        revision: '4',
      },
    ],
  ])('splits %s', (version, expected) => {
    expect(parseApkVersion(version)).toEqual(expected);
  });

  it.each([
    '',
    'abc',
    'v1.2',
    '1.',
    '.1',
    '1..2',
    '1.2A',
    '1.2ab',
    '1.2_foo',
    '1.2_',
    '1.2-r',
    '1.2-1',
    '1.2-r1-r2',
    '1.2 ',
    '1:1.2',
    '1.2-r1_p1',
  ])('rejects %j', (version) => {
    expect(() => parseApkVersion(version)).toThrow(`Invalid apk version "${version}"`);
    expect(isValidApkVersion(version)).toBe(false);
    expect(() => compareApkVersions(version, '1.0')).toThrow(`Invalid apk version "${version}"`);
    expect(() => compareApkVersions('1.0', version)).toThrow(`Invalid apk version "${version}"`);
  });

  it.each(['1', '1.2.3', '1.2a', '1.2.3_rc1', '1.2.3_p-r0', '20240101-r0'])(
    'accepts %s',
    (version) => {
      expect(isValidApkVersion(version)).toBe(true);
    },
  );
});

describe('compareApkVersions', () => {
  // Each row is [older, newer].
  it.each([
    ['1.2.3_rc1', '1.2.3'],
    ['1.2.3', '1.2.3_p1'],
    ['1.2.3_rc1', '1.2.3_p1'],
    ['1.2.3-r1', '1.2.3-r10'],
    ['3.0.8-r0', '3.0.8-r3'],
    ['1.2', '1.2a'],
    ['1.2a', '1.2b'],
    ['1.2z', '1.2.1'],
    ['1.2', '1.2.0'],
    ['1.2.3', '1.2.10'],
    ['1.9', '2'],
    ['1.0_alpha', '1.0_beta'],
    ['1.0_beta', '1.0_pre'],
    ['1.0_pre', '1.0_rc'],
    ['1.0_rc', '1.0'],
    ['1.0', '1.0_cvs'],
    ['1.0_cvs', '1.0_svn'],
    ['1.0_svn', '1.0_git'],
    ['1.0_git', '1.0_hg'],
    ['1.0_hg', '1.0_p'],
    ['1.0_rc1', '1.0_rc2'],
    ['1.0_rc9', '1.0_rc10'],
    ['1.0_rc', '1.0_rc1'],
    ['1.0_rc', '1.0_rc0'],
    ['1.0_rc2_alpha1', '1.0_rc2'],
    ['1.0_rc2', '1.0_rc2_p1'],
    ['1.2.3_rc1-r5', '1.2.3-r0'],
    ['1.2.3-r9', '1.2.3_p1-r0'],
    ['1.2.3_p1-r9', '1.2.3_p2-r0'],
    ['1.2.3a-r9', '1.2.3b-r0'],
    ['1.2.3-r99', '1.2.4_alpha1-r0'],
    // apk ranks a version that carries a revision above one that does not.
    ['1.2', '1.2-r0'],
    ['1.2.4-r2', '1.2.4_git20230717-r4'],
    ['3.1.4-r5', '3.1.4-r6'],
    ['2.5.0-r0', '2.6.0-r0'],
    ['99999999999999999999', '100000000000000000000'],
  ])('%s < %s', (older, newer) => {
    expect(compareApkVersions(older, newer)).toBeLessThan(0);
    expect(compareApkVersions(newer, older)).toBeGreaterThan(0);
  });

  it.each([
    ['1.2.3', '1.2.3'],
    ['1.2.3-r7', '1.2.3-r007'],
    ['1.2.3_p01-r0', '1.2.3_p1-r0'],
    ['1.2a_rc1-r2', '1.2a_rc1-r2'],
  ])('%s == %s', (a, b) => {
    expect(compareApkVersions(a, b)).toBe(0);
    expect(compareApkVersions(b, a)).toBe(0);
  });

  it('sorts a shuffled list into apk order', () => {
    const ordered = [
      '1.2.3_alpha1',
      '1.2.3_beta2',
      '1.2.3_rc1-r1',
      '1.2.3',
      '1.2.3-r0',
      '1.2.3-r10',
      '1.2.3_git20240101-r0',
      '1.2.3_p1-r0',
      '1.2.3a-r0',
      '1.2.4-r0',
      '1.10-r0',
    ];
    const shuffled = [
      '1.2.3_p1-r0',
      '1.10-r0',
      '1.2.3',
      '1.2.3_alpha1',
      '1.2.3-r10',
      '1.2.4-r0',
      '1.2.3_rc1-r1',
      '1.2.3a-r0',
      '1.2.3-r0',
      '1.2.3_git20240101-r0',
      '1.2.3_beta2',
    ];
    expect(shuffled.sort(compareApkVersions)).toEqual(ordered);
  });
});
