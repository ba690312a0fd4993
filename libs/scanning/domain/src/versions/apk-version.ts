import { compareDigitStrings } from './digit-strings';

/** Alpine suffixes from oldest to newest. */
const SUFFIX_ORDER = ['alpha', 'beta', 'pre', 'rc', 'cvs', 'svn', 'git', 'hg', 'p'] as const;
// A version without a suffix sorts between `_rc` and `_cvs`.
const NO_SUFFIX_POSITION = SUFFIX_ORDER.indexOf('cvs');

export type ApkSuffixName = (typeof SUFFIX_ORDER)[number];

export interface ApkSuffix {
  readonly name: ApkSuffixName;
  /** Digits after the suffix name; undefined when there are none. */
  readonly number: string | undefined;
}

/** An Alpine version `<digits>{.<digits>}[letter]{_suffix[digits]}[-r<digits>]` split into its parts. */
export interface ApkVersion {
  readonly numbers: readonly string[];
  readonly letter: string | undefined;
  readonly suffixes: readonly ApkSuffix[];
  /** Digits after `-r`; undefined when the version has no revision. */
  readonly revision: string | undefined;
}

const SUFFIX_NAMES = SUFFIX_ORDER.join('|');
const APK_VERSION = new RegExp(
  `^([0-9]+(?:\\.[0-9]+)*)([a-z])?((?:_(?:${SUFFIX_NAMES})[0-9]*)*)(?:-r([0-9]+))?$`,
);
const SUFFIX = new RegExp(`_(${SUFFIX_NAMES})([0-9]*)`, 'g');

/**
 * Splits an Alpine package version into its parts.
 * @throws Error when the version does not follow `<digits>{.<digits>}[letter]{_suffix[digits]}[-r<digits>]`.
 */
export function parseApkVersion(version: string): ApkVersion {
  const match = APK_VERSION.exec(version);
  if (match === null) {
    throw new Error(
      `Invalid apk version "${version}": expected <digits>{.<digits>}[letter]{_suffix[digits]}[-r<digits>] ` +
        `with suffix one of ${SUFFIX_NAMES.replaceAll('|', ', ')}`,
    );
  }
  const [, numbers = '', letter, suffixes = '', revision] = match;
  return {
    numbers: numbers.split('.'),
    letter,
    suffixes: [...suffixes.matchAll(SUFFIX)].map(([, name = '', digits = '']) => ({
      name: toSuffixName(name),
      number: digits.length === 0 ? undefined : digits,
    })),
    revision,
  };
}

/** True when `parseApkVersion` accepts the version. */
export function isValidApkVersion(version: string): boolean {
  return APK_VERSION.test(version);
}

/**
 * Orders two Alpine versions the way apk does: number components, letter, suffixes, then `-r` revision.
 * As in apk, a version that goes on where the other stops is newer unless what follows is a pre-release
 * suffix, so `1.2 < 1.2-r0` and `1.2_rc < 1.2_rc0`.
 * @returns a negative number when `a` is older, 0 when equal, a positive number when newer.
 * @throws Error when either version is invalid.
 */
export function compareApkVersions(a: string, b: string): number {
  const left = parseApkVersion(a);
  const right = parseApkVersion(b);
  return (
    compareNumbers(left.numbers, right.numbers) ||
    compareOptional(left.letter, right.letter, compareStrings) ||
    compareSuffixes(left.suffixes, right.suffixes) ||
    compareOptional(left.revision, right.revision, compareDigitStrings)
  );
}

function compareNumbers(a: readonly string[], b: readonly string[]): number {
  const shared = Math.min(a.length, b.length);
  for (let k = 0; k < shared; k++) {
    const diff = compareDigitStrings(a[k] ?? '', b[k] ?? '');
    if (diff !== 0) {
      return diff;
    }
  }
  return Math.sign(a.length - b.length);
}

function compareSuffixes(a: readonly ApkSuffix[], b: readonly ApkSuffix[]): number {
  const longest = Math.max(a.length, b.length);
  for (let k = 0; k < longest; k++) {
    const x = a[k];
    const y = b[k];
    const diff = suffixRank(x) - suffixRank(y);
    if (diff !== 0) {
      return Math.sign(diff);
    }
    const numberDiff = compareOptional(x?.number, y?.number, compareDigitStrings);
    if (numberDiff !== 0) {
      return numberDiff;
    }
  }
  return 0;
}

/** Position relative to having no suffix: pre-release suffixes are negative, post-release ones positive. */
function suffixRank(suffix: ApkSuffix | undefined): number {
  if (suffix === undefined) {
    return 0;
  }
  const position = SUFFIX_ORDER.indexOf(suffix.name);
  return position < NO_SUFFIX_POSITION
    ? position - NO_SUFFIX_POSITION
    : position - NO_SUFFIX_POSITION + 1;
}

function toSuffixName(name: string): ApkSuffixName {
  const known = SUFFIX_ORDER.find((candidate) => candidate === name);
  if (known === undefined) {
    throw new Error(`Unknown apk version suffix "_${name}"`);
  }
  return known;
}

/** A part that is present sorts after one that is absent. */
function compareOptional(
  a: string | undefined,
  b: string | undefined,
  compare: (x: string, y: string) => number,
): number {
  if (a === undefined || b === undefined) {
    return a === b ? 0 : a === undefined ? -1 : 1;
  }
  return compare(a, b);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
