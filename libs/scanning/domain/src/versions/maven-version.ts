import { compareDigitStrings } from './digit-strings';

export type MavenItem =
  | { readonly kind: 'number'; readonly value: string }
  | { readonly kind: 'qualifier'; readonly value: string }
  | { readonly kind: 'list'; readonly items: MavenItem[] };

type Order = -1 | 0 | 1;

// Known qualifiers in ascending order; the empty qualifier is the release itself.
const KNOWN_QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];

const QUALIFIER_ALIASES: Readonly<Record<string, string>> = {
  cr: 'rc',
  ga: '',
  final: '',
  release: '',
};

// Single letters only abbreviate when a number follows: `1-a1` is alpha 1, `1-a` is the unknown "a".
const LETTER_ALIASES: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };

interface Token {
  readonly separator: '.' | '-';
  readonly text: string;
  readonly numeric: boolean;
  readonly followedByDigit: boolean;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';

function tokenize(version: string): Token[] {
  const tokens: Token[] = [];
  let separator: '.' | '-' = '.';
  let start = 0;
  const push = (end: number, next: '.' | '-', followedByDigit: boolean): void => {
    const text = version.slice(start, end);
    // An empty token between separators counts as zero; a trailing one adds nothing.
    if (text !== '' || end < version.length) {
      const numeric = text === '' || isDigit(text.charAt(0));
      tokens.push({ separator, text: text === '' ? '0' : text, numeric, followedByDigit });
    }
    separator = next;
  };
  for (let i = 0; i < version.length; i++) {
    const c = version.charAt(i);
    if (c === '.' || c === '-') {
      push(i, c, false);
      start = i + 1;
    } else if (i > start && isDigit(c) !== isDigit(version.charAt(i - 1))) {
      // A switch between digits and letters separates tokens just as a hyphen does.
      push(i, '-', isDigit(c));
      start = i;
    }
  }
  push(version.length, '.', false);
  return tokens;
}

function toItem(token: Token): MavenItem {
  if (token.numeric) return { kind: 'number', value: token.text };
  const expanded = token.followedByDigit ? (LETTER_ALIASES[token.text] ?? token.text) : token.text;
  return { kind: 'qualifier', value: QUALIFIER_ALIASES[expanded] ?? expanded };
}

function isNullItem(item: MavenItem): boolean {
  if (item.kind === 'number') return /^0+$/.test(item.value);
  if (item.kind === 'qualifier') return item.value === '';
  return item.items.length === 0;
}

// Trailing nulls go, and the search goes on past non-null sublists: `1.0-alpha` equals `1-alpha`.
function normalize(list: MavenItem[], isSublist: boolean): void {
  let trimmed = false;
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i];
    if (item === undefined) continue;
    if (item.kind === 'list') normalize(item.items, true);
    if (isNullItem(item)) {
      list.splice(i, 1);
      trimmed = true;
    } else if (item.kind !== 'list') break;
  }
  // A sublist left holding only a sublist collapses, so `1-ga-1` equals `1-1` as Maven's docs state.
  const only = list[0];
  if (isSublist && trimmed && list.length === 1 && only?.kind === 'list')
    list.splice(0, 1, ...only.items);
}

export function parseMavenVersion(input: string): MavenItem[] {
  // ComparableVersion takes any string; only an empty or whitespace-bearing one is surely not a version.
  if (input === '' || /\s/.test(input)) throw new Error(`Invalid Maven version: "${input}"`);
  const root: MavenItem[] = [];
  let current = root;
  const openSublist = (): void => {
    const items: MavenItem[] = [];
    current.push({ kind: 'list', items });
    current = items;
  };
  for (const [index, token] of tokenize(input.toLowerCase()).entries()) {
    if (index > 0 && token.separator === '-') openSublist();
    current.push(toItem(token));
  }
  normalize(root, false);
  return root;
}

function qualifierKey(value: string): [number, string] {
  const rank = KNOWN_QUALIFIERS.indexOf(value);
  return rank === -1 ? [KNOWN_QUALIFIERS.length, value] : [rank, ''];
}

function compareQualifiers(a: string, b: string): Order {
  const [aRank, aText] = qualifierKey(a);
  const [bRank, bText] = qualifierKey(b);
  if (aRank !== bRank) return aRank < bRank ? -1 : 1;
  return aText < bText ? -1 : aText > bText ? 1 : 0;
}

const negate = (order: Order): Order => (order === 0 ? 0 : order === 1 ? -1 : 1);

// `undefined` is the padding for the shorter list: zero, the release qualifier or an empty list.
function compareItems(a: MavenItem, b: MavenItem | undefined): Order {
  if (a.kind === 'number') {
    if (b === undefined) return isNullItem(a) ? 0 : 1;
    return b.kind === 'number' ? compareDigitStrings(a.value, b.value) : 1;
  }
  if (a.kind === 'qualifier') {
    if (b === undefined) return compareQualifiers(a.value, '');
    return b.kind === 'qualifier' ? compareQualifiers(a.value, b.value) : -1;
  }
  if (b === undefined) return a.items[0] === undefined ? 0 : compareItems(a.items[0], undefined);
  if (b.kind === 'number') return -1;
  if (b.kind === 'qualifier') return 1;
  return compareLists(a.items, b.items);
}

function compareLists(a: readonly MavenItem[], b: readonly MavenItem[]): Order {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    const order =
      x === undefined ? (y === undefined ? 0 : negate(compareItems(y, x))) : compareItems(x, y);
    if (order !== 0) return order;
  }
  return 0;
}

export function compareMavenVersions(a: string, b: string): Order {
  return compareLists(parseMavenVersion(a), parseMavenVersion(b));
}
