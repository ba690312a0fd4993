import { describe, expect, it } from 'vitest';
import { compareSemver, parseSemver } from './semver-version';

const ascending = (chain: readonly string[]): [string, string][] =>
  chain.slice(1).map((v, i): [string, string] => [chain[i] ?? '', v]);

describe('compareSemver', () => {
  const specChain = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
  ];

  it.each(ascending(specChain))('orders the §11 example chain: %s < %s', (lower, higher) => {
    expect(compareSemver(lower, higher)).toBe(-1);
    expect(compareSemver(higher, lower)).toBe(1);
  });

  it('orders every pair of the §11 chain by position', () => {
    for (const [i, a] of specChain.entries()) {
      for (const [j, b] of specChain.entries()) {
        expect(compareSemver(a, b)).toBe(Math.sign(i - j));
      }
    }
  });

  it.each([
    ['1.0.0', '2.0.0'],
    ['2.0.0', '2.1.0'],
    ['2.1.0', '2.1.1'],
    ['1.9.0', '1.10.0'],
    ['1.0.0-rc.1', '1.0.1-alpha'],
    ['1.0.0-2', '1.0.0-10'],
    ['1.0.0-999', '1.0.0-a'],
    ['1.0.0-alpha', '1.0.0-alpha.0'],
    ['1.0.0-Beta', '1.0.0-alpha'],
    ['1.0.0-a-b', '1.0.0-ab'],
    ['1.0.0-1a', '1.0.0-a'],
    ['9007199254740992.0.0', '9007199254740993.0.0'],
    ['1.0.0-18446744073709551615', '1.0.0-18446744073709551616'],
    ['99999999999999999999.0.0', '100000000000000000000.0.0'],
  ])('%s < %s', (lower, higher) => {
    expect(compareSemver(lower, higher)).toBe(-1);
    expect(compareSemver(higher, lower)).toBe(1);
  });

  it.each([
    ['1.0.0', '1.0.0'],
    ['1.0.0', 'v1.0.0'],
    ['1.0.0+build.1', '1.0.0+build.2'],
    ['1.0.0-rc.1+20130313144700', '1.0.0-rc.1'],
    ['v2.3.4-beta+exp.sha.5114f85', '2.3.4-beta'],
  ])('%s == %s (leading v and build metadata are ignored)', (a, b) => {
    expect(compareSemver(a, b)).toBe(0);
    expect(compareSemver(b, a)).toBe(0);
  });
});

describe('parseSemver', () => {
  it('splits the core, pre-release and build parts', () => {
    expect(parseSemver('v1.22.333-rc.1.x-y+build.007')).toEqual({
      major: '1',
      minor: '22',
      patch: '333',
      prerelease: ['rc', '1', 'x-y'],
      build: ['build', '007'],
    });
  });

  it.each([
    '',
    '1',
    '1.0',
    '1.0.0.0',
    'V1.0.0',
    'vv1.0.0',
    ' 1.0.0',
    '1.0.0 ',
    '01.0.0',
    '1.00.0',
    '1.0.01',
    '-1.0.0',
    '1.0.0-',
    '1.0.0-01',
    '1.0.0-alpha..1',
    '1.0.0-alpha.',
    '1.0.0-al_pha',
    '1.0.0+',
    '1.0.0+a..b',
    '1.0.0+a+b',
    '1.a.0',
    '=1.0.0',
    '^1.0.0',
  ])('rejects %j', (input) => {
    expect(() => parseSemver(input)).toThrow(/Invalid semantic version/);
    expect(() => compareSemver(input, '1.0.0')).toThrow();
  });
});
