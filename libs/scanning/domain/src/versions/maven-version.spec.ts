import { describe, expect, it } from 'vitest';
import { compareMavenVersions, parseMavenVersion } from './maven-version';

const ascending = (chain: readonly string[]): [string, string][] =>
  chain.slice(1).map((v, i): [string, string] => [chain[i] ?? '', v]);

describe('compareMavenVersions', () => {
  const qualifierChain = [
    '1.0-alpha1',
    '1.0-beta1',
    '1.0-milestone1',
    '1.0-rc1',
    '1.0-SNAPSHOT',
    '1.0',
    '1.0-sp1',
    // Unknown qualifiers come after every known one, sp included.
    '1.0-bar',
    '1.0-foo',
    '1.0-1',
    '1.0.1',
    '1.1',
  ];

  it.each(ascending(qualifierChain))('orders qualifiers: %s < %s', (lower, higher) => {
    expect(compareMavenVersions(lower, higher)).toBe(-1);
    expect(compareMavenVersions(higher, lower)).toBe(1);
  });

  it('orders every pair of the qualifier chain by position', () => {
    for (const [i, a] of qualifierChain.entries()) {
      for (const [j, b] of qualifierChain.entries()) {
        expect(compareMavenVersions(a, b)).toBe(Math.sign(i - j));
      }
    }
  });

  // The "End Result Examples" of Maven's Version Order Specification, plus neighbours.
  it.each([
    ['1', '1.1'],
    ['1-snapshot', '1'],
    ['1', '1-sp'],
    ['1-foo2', '1-foo10'],
    ['1.foo', '1-foo'],
    ['1-foo', '1-1'],
    ['1-1', '1.1'],
    ['1-ga', '1-sp'],
    ['1-ga.1', '1-sp.1'],
    ['1-sp-1', '1-ga-1'],
    ['1-sp-1', '1-1'],
    ['1.0', '1.0.1'],
    ['1.10', '2.0'],
    ['1.9', '1.10'],
    ['1.0-rc9', '1.0-rc10'],
    ['1.0-alpha-9', '1.0-alpha-10'],
    ['1.0-alpha1', '1.0-alpha1.1'],
    ['1.0a1-SNAPSHOT', '1.0-alpha1'],
    ['1.0-beta3.SNAPSHOT', '1.0-beta3'],
    ['1.0-m1', '1.0-rc1'],
    ['1.0-alpha1', '1.0-a'],
    ['1.0-Foo', '1.0-foo1'],
    ['1.0-abc', '1.0-abd'],
    ['1.0.9007199254740992', '1.0.9007199254740993'],
    ['1.0.99999999999999999999', '1.0.100000000000000000000'],
  ])('%s < %s', (lower, higher) => {
    expect(compareMavenVersions(lower, higher)).toBe(-1);
    expect(compareMavenVersions(higher, lower)).toBe(1);
  });

  it.each([
    ['1.0', '1.0.0'],
    ['1.0', '1-final'],
    ['1.0.0', '1-final'],
    ['1.ga', '1-ga'],
    ['1-ga', '1-0'],
    ['1-0', '1.0'],
    ['1.0', '1'],
    ['1', '1-release'],
    ['1.0-GA', '1.0-Final'],
    ['1-ga-1', '1-1'],
    ['1-a1', '1-alpha-1'],
    ['1-b2', '1-beta-2'],
    ['1-m3', '1-milestone-3'],
    ['1.0-cr1', '1.0-rc1'],
    ['1.0-RC1', '1.0-rc-1'],
    ['1.0-SNAPSHOT', '1.0-snapshot'],
    ['1.0-alpha1', '1.0-ALPHA-1'],
    ['1.0-alpha', '1-alpha'],
    ['1.0-alpha-0', '1.0-alpha'],
    ['01.002', '1.2'],
    ['1..0', '1'],
    ['1.', '1'],
  ])('%s == %s', (a, b) => {
    expect(compareMavenVersions(a, b)).toBe(0);
    expect(compareMavenVersions(b, a)).toBe(0);
  });

  it('reads single letters as alpha, beta or milestone only when a number follows', () => {
    expect(compareMavenVersions('1.0-a', '1.0-alpha')).toBe(1);
    expect(compareMavenVersions('1.0-b', '1.0-sp')).toBe(1);
  });
});

describe('parseMavenVersion', () => {
  it('nests what follows a hyphen or a digit/letter switch and trims trailing nulls', () => {
    expect(parseMavenVersion('1.0.0-Beta2.0-final')).toEqual([
      { kind: 'number', value: '1' },
      {
        kind: 'list',
        items: [
          { kind: 'qualifier', value: 'beta' },
          { kind: 'list', items: [{ kind: 'number', value: '2' }] },
        ],
      },
    ]);
  });

  it.each(['', ' ', '1.0 ', '1 .0', '1.0\t'])('rejects %j', (input) => {
    expect(() => parseMavenVersion(input)).toThrow(/Invalid Maven version/);
    expect(() => compareMavenVersions('1.0', input)).toThrow();
  });
});
