import { describe, expect, it } from 'vitest';
import { compareRpmVersions, isValidRpmVersion, parseRpmVersion, rpmvercmp } from './rpm-version';

describe('parseRpmVersion', () => {
  it.each([
    ['1.0', { epoch: '0', version: '1.0', release: '' }],
    ['1.0-1.el9', { epoch: '0', version: '1.0', release: '1.el9' }],
    ['2:1.0-1.el9_3.1', { epoch: '2', version: '1.0', release: '1.el9_3.1' }],
    ['01:3.0.7-24.el9', { epoch: '1', version: '3.0.7', release: '24.el9' }],
    [
      '1.0^20230101git1a2b3c-0.1.fc39',
      { epoch: '0', version: '1.0^20230101git1a2b3c', release: '0.1.fc39' },
    ],
  ])('splits %s', (evr, expected) => {
    expect(parseRpmVersion(evr)).toEqual(expected);
  });

  it.each([
    ['', 'version is empty'],
    ['x:1.0', 'epoch "x" is not a non-negative integer'],
    [':1.0', 'epoch "" is not a non-negative integer'],
    ['1:', 'version is empty'],
    ['-1', 'version is empty'],
    ['1.0-', 'release after the last hyphen is empty'],
    ['1.0 beta', 'version "1.0 beta"'],
    ['1:2:3', 'version "2:3"'],
    ['1.0-1/el9', 'release "1/el9"'],
  ])('rejects %j', (evr, message) => {
    expect(() => parseRpmVersion(evr)).toThrow(message);
    expect(isValidRpmVersion(evr)).toBe(false);
    expect(() => compareRpmVersions(evr, '1.0')).toThrow(message);
    expect(() => compareRpmVersions('1.0', evr)).toThrow(message);
  });
});

describe('rpmvercmp', () => {
  // Each row is [older, newer].
  it.each([
    ['1.0', '2.0'],
    ['2.0', '2.0.1'],
    ['2.0.1', '2.0.1a'],
    ['1.0', '1.0a'],
    ['1.0a', '1.0aa'],
    ['5.5p1', '5.5p2'],
    ['5.5p1', '5.5p10'],
    ['5.5p2', '5.6p1'],
    ['10xyz', '10.1xyz'],
    ['xyz10', 'xyz10.1'],
    ['xyz.4', '8'],
    ['xyz.4', '2'],
    ['a', '1'],
    ['6.0', '6.0.rc1'],
    ['10a1', '10b2'],
    ['10.0001', '10.0039'],
    ['4.999.9', '5.0'],
    ['20101120', '20101121'],
    ['99999999999999999999', '100000000000000000000'],
    ['1.0~rc1', '1.0'],
    ['1.0~rc1', '1.0~rc2'],
    ['1.0~rc1~git123', '1.0~rc1'],
    ['1.0~', '1.0'],
    ['1.0~rc1', '1.0^'],
    ['1.0', '1.0^'],
    ['1.0', '1.0^git1'],
    ['1.0^git1', '1.0^git2'],
    ['1.0^git1', '1.0.1'],
    ['1.0^git1', '1.01'],
    ['1.0^git1', '1.0a'],
    ['1.0^20160101', '1.0^20160102'],
    ['1.0^20160101', '1.0^20160101^git1'],
    ['1.0^git1~pre', '1.0^git1'],
    ['1.0~rc1', '1.0~rc1^git1'],
    ['1.0~rc1^git1', '1.0'],
    ['1.el9', '2.el9'],
    ['1.el9', '1.el9_1'],
    ['1.el9_3', '1.el9_10'],
  ])('%s < %s', (older, newer) => {
    expect(rpmvercmp(older, newer)).toBe(-1);
    expect(rpmvercmp(newer, older)).toBe(1);
  });

  it.each([
    ['1.0', '1.0'],
    ['10.0001', '10.1'],
    ['2.0', '2_0'],
    ['2.0', '2..0'],
    ['1.0.', '1.0'],
    ['a+', 'a_'],
    ['+a', '_a'],
    ['_+', '_'],
    ['1.0a', '1.0.a'],
    ['', ''],
  ])('%j == %j', (a, b) => {
    expect(rpmvercmp(a, b)).toBe(0);
    expect(rpmvercmp(b, a)).toBe(0);
  });
});

describe('compareRpmVersions', () => {
  // Each row is [older, newer].
  it.each([
    ['1:9.9', '2:1.0'],
    ['9.9-9', '1:0.1-1'],
    ['1.0-1.el9', '1.0-2.el9'],
    ['1.0-2.el9', '1.0.1-1.el9'],
    ['3.0.7-24.el9', '3.0.7-25.el9'],
    ['1.0~rc1-1', '1.0-1'],
    ['1.0-1', '1.0^git1-1'],
    ['1.0^git1-1', '1.0.1-1'],
    ['1.0-1.el9', '1.0-1.el9_3'],
    ['1.0', '1.0-1'],
    ['1.0', '1.0a'],
  ])('%s < %s', (older, newer) => {
    expect(compareRpmVersions(older, newer)).toBeLessThan(0);
    expect(compareRpmVersions(newer, older)).toBeGreaterThan(0);
  });

  it.each([
    ['0:1.0', '1.0'],
    ['00:1.0-1', '0:1.0-1'],
    ['1.01-1', '1.1-1'],
    ['2:1.0-1.el9', '2:1.0-1.el9'],
  ])('%s == %s', (a, b) => {
    expect(compareRpmVersions(a, b)).toBe(0);
    expect(compareRpmVersions(b, a)).toBe(0);
  });
});
