import { HarborApiError, badRequest } from './harbor-error';
import { goQueryUnescape } from './url-encoding';

/**
 * Harbor's list query language (src/lib/q/builder.go): `q=k=v,k=~v,k=[min~max],k={v1 v2},k=(v1 v2)`
 * and `sort=k1,-k2`, held to a per-endpoint allowlist so a caller can only filter and sort on
 * the fields the endpoint documents.
 */

export type QueryFieldType = 'string' | 'integer' | 'time' | 'boolean';
export type FilterKind = 'exact' | 'fuzzy' | 'range' | 'or' | 'and';
export type FilterValue = string | number | boolean | Date;

export interface QueryFieldSpec {
  type: QueryFieldType;
  /** The forms this field accepts; all that fit its type when omitted. */
  kinds?: readonly FilterKind[];
}

/** The fields an endpoint lets callers filter on, by their API (JSON) name. */
export type QueryFieldAllowlist = Readonly<Record<string, QueryFieldSpec>>;

export type FilterCondition =
  | { field: string; kind: 'exact'; value: FilterValue }
  /** Case-insensitive substring match; `value` is the caller's text, not yet a LIKE pattern. */
  | { field: string; kind: 'fuzzy'; value: string }
  | { field: string; kind: 'range'; min?: FilterValue; max?: FilterValue }
  | { field: string; kind: 'or'; values: FilterValue[] }
  | { field: string; kind: 'and'; values: FilterValue[] };

export interface SortTerm {
  field: string;
  direction: 'ASC' | 'DESC';
}

/** Bounds on what one `q` may ask for, so a query cannot be made arbitrarily expensive. */
export const MAX_QUERY_LENGTH = 2048;
export const MAX_QUERY_TERMS = 16;
export const MAX_LIST_VALUES = 100;
export const MAX_SORT_TERMS = 8;

const KINDS_BY_TYPE: Record<QueryFieldType, readonly FilterKind[]> = {
  string: ['exact', 'fuzzy', 'range', 'or', 'and'],
  integer: ['exact', 'range', 'or', 'and'],
  time: ['exact', 'range', 'or', 'and'],
  boolean: ['exact', 'or'],
};

const KIND_BY_LEAD: Record<string, FilterKind> = {
  '~': 'fuzzy',
  '[': 'range',
  '{': 'or',
  '(': 'and',
};

const invalid = (message: string): HarborApiError => badRequest(message);

/**
 * Parses `q` into conditions, one per term, ANDed together by whoever applies them. Throws a
 * 400 BAD_REQUEST HarborApiError for a malformed term, a field not on the allowlist, a form the
 * field does not accept, or a value that is not of the field's type.
 */
export function parseQ(raw: string | undefined, allow: QueryFieldAllowlist): FilterCondition[] {
  if (raw === undefined || raw === '') return [];
  if (raw.length > MAX_QUERY_LENGTH)
    throw invalid(`the query string is longer than ${MAX_QUERY_LENGTH} characters`);
  // Harbor unescapes q once more (clients send `q=name%3D~x`); a malformed escape is kept as is.
  const q = goQueryUnescape(raw) ?? raw;
  const terms = q.split(',');
  if (terms.length > MAX_QUERY_TERMS)
    throw invalid(`the query string has more than ${MAX_QUERY_TERMS} terms`);
  const seen = new Set<string>();
  return terms.map((term) => {
    const eq = term.indexOf('=');
    const key = eq === -1 ? '' : term.slice(0, eq);
    const value = eq === -1 ? '' : term.slice(eq + 1);
    if (key === '' || value === '')
      throw invalid('the query string must contain "=" and the key/value cannot be empty');
    const spec = Object.hasOwn(allow, key) ? allow[key] : undefined;
    if (!spec) throw invalid(`filtering on "${printable(key)}" is not supported`);
    if (seen.has(key)) throw invalid(`"${key}" appears more than once in the query string`);
    seen.add(key);
    const kinds = spec.kinds ?? KINDS_BY_TYPE[spec.type];
    const kind = KIND_BY_LEAD[value[0]] ?? 'exact';
    if (!kinds.includes(kind)) throw invalid(`"${key}" does not support ${kind} matching`);
    return parseTerm(key, value, spec.type);
  });
}

function parseTerm(field: string, value: string, type: QueryFieldType): FilterCondition {
  switch (value[0]) {
    case '~': {
      if (value.length < 2)
        throw invalid(`invalid query string value: ${printable(value)}: fuzzy match needs text`);
      if (type !== 'string') throw invalid(`"${field}" does not support fuzzy matching`);
      return { field, kind: 'fuzzy', value: value.slice(1) };
    }
    case '[': {
      const inner = value.endsWith(']') && value.length >= 2 ? value.slice(1, -1) : undefined;
      if (inner === undefined || inner.split('~').length !== 2)
        throw invalid(
          `invalid query string value: ${printable(value)}: a range is [min~max] with one "~"`,
        );
      const [lo, hi] = inner.split('~').map((s) => s.trim());
      if (lo === '' && hi === '')
        throw invalid(`invalid query string value: ${printable(value)}: a range needs a bound`);
      const min = lo === '' ? undefined : typed(field, lo, type);
      const max = hi === '' ? undefined : typed(field, hi, type);
      if (min !== undefined && max !== undefined && compare(min, max) > 0)
        throw invalid(`invalid query string value: ${printable(value)}: min is above max`);
      return {
        field,
        kind: 'range',
        ...(min !== undefined && { min }),
        ...(max !== undefined && { max }),
      };
    }
    case '{':
    case '(': {
      const close = value[0] === '{' ? '}' : ')';
      if (value.length < 2 || !value.endsWith(close))
        throw invalid(
          `invalid query string value: ${printable(value)}: a list ends with "${close}"`,
        );
      const parts = value
        .slice(1, -1)
        .split(' ')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (parts.length === 0)
        throw invalid(`invalid query string value: ${printable(value)}: the list is empty`);
      if (parts.length > MAX_LIST_VALUES)
        throw invalid(`a list in the query string has more than ${MAX_LIST_VALUES} values`);
      const values = parts.map((p) => typed(field, p, type));
      return value[0] === '{' ? { field, kind: 'or', values } : { field, kind: 'and', values };
    }
    default:
      // A leading backslash escapes a value that would otherwise start one of the forms above.
      return {
        field,
        kind: 'exact',
        value: typed(field, value.startsWith('\\') ? value.slice(1) : value, type, false),
      };
  }
}

function typed(field: string, raw: string, type: QueryFieldType, unquote = true): FilterValue {
  switch (type) {
    case 'string':
      // Harbor strips quotes around list and range values.
      return unquote ? raw.replace(/^["']+|["']+$/g, '') : raw;
    case 'integer': {
      if (!/^-?\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw)))
        throw invalid(`"${field}" takes an integer, not ${printable(raw)}`);
      return Number(raw);
    }
    case 'boolean': {
      if (raw !== 'true' && raw !== 'false')
        throw invalid(`"${field}" takes true or false, not ${printable(raw)}`);
      return raw === 'true';
    }
    case 'time': {
      // Harbor's form is 2006-01-02T15:04:05 (UTC); its portal sends a space for the T; a zone
      // or fraction is also accepted.
      const m = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/.exec(
        raw,
      );
      const iso = raw.replace(' ', 'T');
      const d = m ? new Date(m[2] ? iso : `${iso}Z`) : undefined;
      if (!d || Number.isNaN(d.getTime()))
        throw invalid(`"${field}" takes a time like 2006-01-02T15:04:05, not ${printable(raw)}`);
      return d;
    }
  }
}

function compare(a: FilterValue, b: FilterValue): number {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Parses `sort` (`name,-creation_time`): a leading '-' sorts descending. Throws 400 for a field
 * not on the allowlist, an empty or repeated term.
 */
export function parseSort(raw: string | undefined, allow: readonly string[]): SortTerm[] {
  if (raw === undefined || raw === '') return [];
  const terms = raw.split(',');
  if (terms.length > MAX_SORT_TERMS) throw invalid(`sort has more than ${MAX_SORT_TERMS} terms`);
  const seen = new Set<string>();
  return terms.map((term) => {
    const desc = term.startsWith('-');
    const field = desc ? term.slice(1) : term;
    if (field === '') throw invalid('sort has an empty term');
    if (!allow.includes(field)) throw invalid(`sorting by "${printable(field)}" is not supported`);
    if (seen.has(field)) throw invalid(`sort names "${field}" more than once`);
    seen.add(field);
    return { field, direction: desc ? 'DESC' : 'ASC' };
  });
}

/** What one list endpoint allows: filter fields for `q`, sort fields for `sort`. */
export interface ListQuerySpec {
  filters: QueryFieldAllowlist;
  sorts: readonly string[];
  /** Applied when the caller gives no `sort`; Harbor lists newest first on most endpoints. */
  defaultSort?: readonly SortTerm[];
}

export interface ListQuery {
  filters: FilterCondition[];
  sorts: SortTerm[];
}

/** Reads `q` and `sort` from a request's query against one endpoint's allowlists. */
export function parseListQuery(
  query: { q?: string | string[]; sort?: string | string[] } | undefined,
  spec: ListQuerySpec,
): ListQuery {
  const first = (v: string | string[] | undefined): string | undefined =>
    Array.isArray(v) ? v[0] : v;
  const sorts = parseSort(first(query?.sort), spec.sorts);
  return {
    filters: parseQ(first(query?.q), spec.filters),
    sorts: sorts.length > 0 ? sorts : [...(spec.defaultSort ?? [])],
  };
}

// Error messages echo caller input: keep it short and free of control characters.
function printable(s: string): string {
  const clean = [...s].map((ch) => (ch < ' ' || ch === '\u007f' ? '?' : ch)).join('');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}
