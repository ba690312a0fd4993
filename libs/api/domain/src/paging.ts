import { HarborApiError } from './harbor-error';
import { goPathEscape, goPathUnescape, goQueryEscape } from './url-encoding';

/** Harbor's paging limits (swagger `page`/`page_size` parameters). */
export const DEFAULT_PAGE = 1;
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

export interface Paging {
  /** 1-based page number. */
  page: number;
  pageSize: number;
  /** Rows to skip: `(page - 1) * pageSize`. */
  offset: number;
  /** Rows to take: `pageSize`. */
  limit: number;
}

/** A query string as Fastify parses it: repeated keys become arrays. */
export type RawQuery = Record<string, string | string[] | undefined>;

/** The first value of a query parameter, as Go's url.Values.Get reads it. */
export function firstQueryValue(query: RawQuery | undefined, name: string): string | undefined {
  const v = query?.[name];
  return Array.isArray(v) ? v[0] : v;
}

// Past this the offset would lose precision or overflow a 64-bit OFFSET.
const MAX_PAGE = 1_000_000_000;

/**
 * Reads `page` (>= 1, default 1) and `page_size` (1..100, default 10). Harbor's go-swagger
 * binding answers bad values with 422 UNPROCESSABLE_ENTITY; so does this.
 */
export function parsePaging(query: RawQuery | undefined): Paging {
  const page = intParam(query, 'page', DEFAULT_PAGE, 1, MAX_PAGE);
  const pageSize = intParam(query, 'page_size', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  return { page, pageSize, offset: (page - 1) * pageSize, limit: pageSize };
}

function intParam(
  query: RawQuery | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = firstQueryValue(query, name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^[+-]?\d{1,19}$/.test(raw))
    throw new HarborApiError('UNPROCESSABLE_ENTITY', `${name} in query must be of type int64`);
  const n = Number(raw);
  if (n < min)
    throw new HarborApiError(
      'UNPROCESSABLE_ENTITY',
      `${name} in query should be greater than or equal to ${min}`,
    );
  if (n > max)
    throw new HarborApiError(
      'UNPROCESSABLE_ENTITY',
      `${name} in query should be less than or equal to ${max}`,
    );
  return n;
}

/**
 * The RFC 5988 `Link` header Harbor sends with a page: `<path?query>; rel="prev" , <…>; rel="next"`,
 * the request's path and every query parameter kept, `page` and `page_size` set, keys sorted
 * and escaped as Go's url.Values.Encode does. Undefined when there is neither.
 *
 * @param requestUrl the request's path and query as received (`req.url`), without scheme or host
 */
export function pageLinks(requestUrl: string, paging: Paging, total: number): string | undefined {
  const { page, pageSize } = paging;
  const links: string[] = [];
  if (page > 1 && (page - 1) * pageSize < total)
    links.push(`<${linkUrl(requestUrl, page - 1, pageSize)}>; rel="prev"`);
  if (page * pageSize < total)
    links.push(`<${linkUrl(requestUrl, page + 1, pageSize)}>; rel="next"`);
  return links.length > 0 ? links.join(' , ') : undefined;
}

/** Headers for one page of a list: `X-Total-Count` always, `Link` when there are other pages. */
export function pageHeaders(
  requestUrl: string,
  paging: Paging,
  total: number,
): Record<string, string> {
  const link = pageLinks(requestUrl, paging, total);
  return link ? { 'X-Total-Count': String(total), Link: link } : { 'X-Total-Count': String(total) };
}

function linkUrl(requestUrl: string, page: number, pageSize: number): string {
  const q = requestUrl.indexOf('?');
  const rawPath = q === -1 ? requestUrl : requestUrl.slice(0, q);
  const params = parseRawQuery(q === -1 ? '' : requestUrl.slice(q + 1));
  params.set('page', [String(page)]);
  params.set('page_size', [String(pageSize)]);
  const query = [...params.keys()]
    .sort()
    .flatMap((k) => params.get(k)!.map((v) => `${goQueryEscape(k)}=${goQueryEscape(v)}`))
    .join('&');
  // Harbor unescapes the path so an escaped '/' in a repository name reads as '/'.
  const path = goPathEscape(goPathUnescape(rawPath) ?? rawPath);
  return `${path}?${query}`;
}

// Go's url.ParseQuery: '&'-separated, '+' is a space; pairs that do not decode are dropped.
function parseRawQuery(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const k = decodeQueryPart(eq === -1 ? pair : pair.slice(0, eq));
    const v = decodeQueryPart(eq === -1 ? '' : pair.slice(eq + 1));
    if (k === undefined || v === undefined) continue;
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

function decodeQueryPart(s: string): string | undefined {
  return goPathUnescape(s.replace(/\+/g, ' '));
}
