import { compareDigitStrings } from './digit-strings';

export interface SemverVersion {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly prerelease: readonly string[];
  readonly build: readonly string[];
}

const NUMERIC = '0|[1-9]\\d*';
const PRERELEASE_ID = `(?:${NUMERIC}|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const BUILD_ID = '[0-9A-Za-z-]+';
// The only leniency is the leading `v` that Go module and npm tag versions carry in OSV data.
const SEMVER_PATTERN = new RegExp(
  `^v?(${NUMERIC})\\.(${NUMERIC})\\.(${NUMERIC})` +
    `(?:-(${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*))?` +
    `(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?$`,
);

export function parseSemver(input: string): SemverVersion {
  const match = SEMVER_PATTERN.exec(input);
  if (!match) throw new Error(`Invalid semantic version: "${input}"`);
  const [, major, minor, patch, prerelease, build] = match;
  return {
    major: major ?? '0',
    minor: minor ?? '0',
    patch: patch ?? '0',
    prerelease: prerelease === undefined ? [] : prerelease.split('.'),
    build: build === undefined ? [] : build.split('.'),
  };
}

const sign = (n: number): -1 | 0 | 1 => (n < 0 ? -1 : n > 0 ? 1 : 0);

const isNumericId = (id: string): boolean => /^\d+$/.test(id);

function comparePrereleaseId(a: string, b: string): -1 | 0 | 1 {
  const aNumeric = isNumericId(a);
  const bNumeric = isNumericId(b);
  if (aNumeric && bNumeric) return compareDigitStrings(a, b);
  // SemVer §11.4.3: numeric identifiers always have lower precedence than alphanumeric ones.
  if (aNumeric) return -1;
  if (bNumeric) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: readonly string[], b: readonly string[]): -1 | 0 | 1 {
  // A version without pre-release identifiers outranks any pre-release of the same core.
  if (a.length === 0 || b.length === 0) return sign(b.length - a.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = comparePrereleaseId(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return sign(a.length - b.length);
}

export function compareSemver(a: string, b: string): -1 | 0 | 1 {
  const x = parseSemver(a);
  const y = parseSemver(b);
  return (
    compareDigitStrings(x.major, y.major) ||
    compareDigitStrings(x.minor, y.minor) ||
    compareDigitStrings(x.patch, y.patch) ||
    comparePrerelease(x.prerelease, y.prerelease)
  );
}
