import { describe, expect, it } from 'vitest';
import { compareDpkgVersions, isValidDpkgVersion, parseDpkgVersion } from './dpkg-version';

describe('parseDpkgVersion', () => {
  it.each([
    ['1.0', { epoch: '0', upstream: '1.0', revision: '' }],
    ['1:2.30-1+deb12u1', { epoch: '1', upstream: '2.30', revision: '1+deb12u1' }],
    ['0:1.0', { epoch: '0', upstream: '1.0', revision: '' }],
    ['007:1.0', { epoch: '7', upstream: '1.0', revision: '' }],
    ['1.2-3-4ubuntu1', { epoch: '0', upstream: '1.2-3', revision: '4ubuntu1' }],
    ['2.0~rc1+dfsg-1~bpo12+1', { epoch: '0', upstream: '2.0~rc1+dfsg', revision: '1~bpo12+1' }],
    ['7.88.1-10+deb12u5', { epoch: '0', upstream: '7.88.1', revision: '10+deb12u5' }],
  ])('splits %s', (version, expected) => {
    expect(parseDpkgVersion(version)).toEqual(expected);
  });

  it.each([
    ['', 'version is empty'],
    ['a:1.0', 'epoch "a" is not a non-negative integer'],
    [':1.0', 'epoch "" is not a non-negative integer'],
    ['-1:1.0', 'epoch "-1" is not a non-negative integer'],
    ['1:', 'upstream version is empty'],
    ['-1', 'upstream version is empty'],
    ['1.0-', 'revision after the last hyphen is empty'],
    ['1.0 beta', 'upstream version "1.0 beta"'],
    ['1.0_beta', 'upstream version "1.0_beta"'],
    ['1:2:3', 'upstream version "2:3"'],
    ['1.0-1_2', 'revision "1_2"'],
    ['1.0-1-', 'revision after the last hyphen is empty'],
  ])('rejects %j', (version, message) => {
    expect(() => parseDpkgVersion(version)).toThrow(message);
    expect(isValidDpkgVersion(version)).toBe(false);
    expect(() => compareDpkgVersions(version, '1.0')).toThrow(message);
    expect(() => compareDpkgVersions('1.0', version)).toThrow(message);
  });

  it.each(['1.0', '1:1.0-1', '1.0+dfsg-1~exp1', '1.2-3-4'])('accepts %s', (version) => {
    expect(isValidDpkgVersion(version)).toBe(true);
  });
});

describe('compareDpkgVersions', () => {
  // Each row is [older, newer].
  it.each([
    ['2.0', '1:0.9'],
    ['1.0~rc1', '1.0'],
    ['1.0~~', '1.0~'],
    ['1.0~', '1.0'],
    ['1.0~rc1', '1.0~rc2'],
    ['1.0~beta1', '1.0~rc1'],
    ['1.0', '1.0a'],
    ['1.0', '1.0+dfsg'],
    ['1.0', '1.0.1'],
    ['1.0a', '1.0+'],
    ['1.0a', '1.0.'],
    ['1.0Z', '1.0a'],
    ['1.0+', '1.0.'],
    ['1.0-1', '1.0-1ubuntu1'],
    ['1.0-1ubuntu1', '1.0-2'],
    ['2.30-1', '2.30-1+deb12u1'],
    ['1.2.3', '1.2.10'],
    ['7.88.1-10+deb12u5', '7.88.1-10+deb12u8'],
    ['7.88.1-10+deb12u8', '7.88.1-11'],
    ['1.0-9', '1.0-10'],
    ['1.0-1', '1.0.1-1'],
    ['1.0-2', '1.1-1'],
    ['0.9-9', '1.0-1'],
    ['1:1.0', '2:0.1'],
    ['9:1.0', '10:1.0'],
    ['1.0-1~bpo12+1', '1.0-1'],
    ['3.0.11-1~deb12u2', '3.0.11-1'],
    ['1.2-3-4', '1.2-3-5'],
    ['1.0', '1.0-1'],
    ['99999999999999999998', '99999999999999999999'],
    ['1.99999999999999999999', '1.100000000000000000000'],
  ])('%s < %s', (older, newer) => {
    expect(compareDpkgVersions(older, newer)).toBeLessThan(0);
    expect(compareDpkgVersions(newer, older)).toBeGreaterThan(0);
  });

  it.each([
    ['0:1.0', '1.0'],
    ['00:1.0', '0:1.0'],
    ['1.01', '1.1'],
    ['1.0', '1.00'],
    ['1.0', '1.0-0'],
    ['1.0-1', '1.0-01'],
    ['2:7.88.1-10+deb12u5', '2:7.88.1-10+deb12u5'],
  ])('%s == %s', (a, b) => {
    expect(compareDpkgVersions(a, b)).toBe(0);
    expect(compareDpkgVersions(b, a)).toBe(0);
  });

  it('sorts a shuffled list into dpkg order', () => {
    const ordered = [
      '1.0~alpha',
      '1.0~rc1',
      '1.0',
      '1.0-1~bpo12+1',
      '1.0-1',
      '1.0-1ubuntu1',
      '1.0-1+deb12u1',
      '1.0a',
      '1.0+dfsg',
      '1.0.1',
      '1.1',
      '1:0.1',
    ];
    const shuffled = [
      '1.0-1ubuntu1',
      '1:0.1',
      '1.0~alpha',
      '1.0+dfsg',
      '1.0',
      '1.0.1',
      '1.0~rc1',
      '1.1',
      '1.0-1~bpo12+1',
      '1.0a',
      '1.0-1',
      '1.0-1+deb12u1',
    ];
    expect(shuffled.sort(compareDpkgVersions)).toEqual(ordered);
  });
});
