import { describe, expect, it } from 'vitest';
import { comparePep440, normalizePep440, parsePep440 } from './pep440-version';

const ascending = (chain: readonly string[]): [string, string][] =>
  chain.slice(1).map((v, i): [string, string] => [chain[i] ?? '', v]);

describe('comparePep440', () => {
  // The example chain from PEP 440's "Summary of permitted suffixes and relative ordering".
  const specChain = [
    '1.dev0',
    '1.0.dev456',
    '1.0a1',
    '1.0a2.dev456',
    '1.0a12.dev456',
    '1.0a12',
    '1.0b1.dev456',
    '1.0b2',
    '1.0b2.post345.dev456',
    '1.0b2.post345',
    '1.0rc1.dev456',
    '1.0rc1',
    '1.0',
    '1.0+abc.5',
    '1.0+abc.7',
    '1.0+5',
    '1.0.post456.dev34',
    '1.0.post456',
    '1.0.15',
    '1.1.dev1',
  ];

  it.each(ascending(specChain))('orders the PEP 440 example chain: %s < %s', (lower, higher) => {
    expect(comparePep440(lower, higher)).toBe(-1);
    expect(comparePep440(higher, lower)).toBe(1);
  });

  it('orders every pair of the example chain by position', () => {
    for (const [i, a] of specChain.entries()) {
      for (const [j, b] of specChain.entries()) {
        expect(comparePep440(a, b)).toBe(Math.sign(i - j));
      }
    }
  });

  it.each([
    ['1.0a1.dev1', '1.0a1'],
    ['1.0.post1.dev1', '1.0.post1'],
    ['1.0.dev1', '1.0a0'],
    ['1.0a1', '1.0b0'],
    ['1.0b9', '1.0rc0'],
    ['1.0rc9', '1.0'],
    ['1.0', '1.0.post0'],
    ['1.0.post0', '1.0.0.1'],
    ['1.0.dev9', '1.0.dev10'],
    ['1.9', '1.10'],
    ['1.0.post1', '1.0.post2'],
    ['1.0+abc', '1.0+abc.0'],
    ['1.0+abc', '1.0+abd'],
    ['1.0+zzz', '1.0+0'],
    ['1.0+9', '1.0+10'],
    ['1.0+1.abc', '1.0+1.0'],
    ['1.0.post1', '1.0.post1+local'],
    ['1.0a1+x', '1.0a2'],
    ['9.9', '1!0.1'],
    ['1!2.0', '2!1.0'],
    ['1.0.dev0', '1.0.post0.dev0'],
    ['1.0.9007199254740992', '1.0.9007199254740993'],
    ['2.0', '10.0'],
  ])('%s < %s', (lower, higher) => {
    expect(comparePep440(lower, higher)).toBe(-1);
    expect(comparePep440(higher, lower)).toBe(1);
  });

  it.each([
    ['1.0', '1.0.0'],
    ['1', '1.0.0.0'],
    ['1.0', 'v1.0'],
    ['1.0', 'V1.0'],
    ['1.0', '0!1.0'],
    ['1.0', ' 1.0\n'],
    ['01.02', '1.2'],
    ['1.0a', '1.0a0'],
    ['1.0alpha1', '1.0a1'],
    ['1.0-alpha-1', '1.0a1'],
    ['1.0.ALPHA.1', '1.0a1'],
    ['1.0beta2', '1.0b2'],
    ['1.0_b_2', '1.0b2'],
    ['1.0c1', '1.0rc1'],
    ['1.0pre1', '1.0rc1'],
    ['1.0preview1', '1.0rc1'],
    ['1.0RC1', '1.0rc1'],
    ['1.0-1', '1.0.post1'],
    ['1.0-r1', '1.0.post1'],
    ['1.0rev1', '1.0.post1'],
    ['1.0_post_1', '1.0.post1'],
    ['1.0post', '1.0.post0'],
    ['1.0-dev', '1.0.dev0'],
    ['1.0dev1', '1.0.dev1'],
    ['1.0a1-dev1', '1.0a1.dev1'],
    ['1.0+ABC-5', '1.0+abc.5'],
    ['1.0+abc_5', '1.0+abc.5'],
    ['1.0+05', '1.0+5'],
    ['1.0.0+abc', '1.0+abc'],
  ])('%j == %j after normalization', (a, b) => {
    expect(comparePep440(a, b)).toBe(0);
    expect(comparePep440(b, a)).toBe(0);
  });

  it.each([
    ['V1.0-Alpha.1-Dev', '1.0a1.dev0'],
    ['1!01.0-1', '1!1.0.post1'],
    ['1.0C_2.rev3+Ubuntu-1', '1.0rc2.post3+ubuntu.1'],
    ['2019.10', '2019.10'],
  ])('normalizes %j to %j', (input, normalized) => {
    expect(normalizePep440(input)).toBe(normalized);
  });
});

describe('parsePep440', () => {
  it('splits epoch, release, pre, post, dev and local parts', () => {
    expect(parsePep440('2!1.2.3rc4.post5.dev6+ab.7')).toEqual({
      epoch: '2',
      release: ['1', '2', '3'],
      pre: { label: 'rc', number: '4' },
      post: '5',
      dev: '6',
      local: ['ab', '7'],
    });
  });

  it.each([
    '',
    'v',
    '1.',
    '.1',
    '1..0',
    'a1.0',
    '1.0x1',
    '1.0-',
    '1.0a1a2',
    '1.0.dev1.post1',
    '1.0+',
    '1.0+abc..5',
    '1.0+abc!',
    '1!',
    '!1.0',
    '1.0 beta',
    'vv1.0',
    '1.0.post1.post2',
    '1.0-1-1',
    '1.0--1',
  ])('rejects %j', (input) => {
    expect(() => parsePep440(input)).toThrow(/Invalid PEP 440 version/);
    expect(() => comparePep440('1.0', input)).toThrow();
  });
});
