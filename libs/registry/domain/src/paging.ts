/** Page size when the client names none, and the most one page may hold. */
export const MAX_PAGE_SIZE = 1000;

/** Reads `n`: a missing or malformed value means a full page, a huge one is clamped. */
export function pageSize(n: string | undefined): number {
  if (n === undefined || !/^\d+$/.test(n)) return MAX_PAGE_SIZE;
  return Math.min(Number(n), MAX_PAGE_SIZE);
}

/** The RFC 5988 `Link` header to the next page, continuing after `last`. */
export function nextPageLink(path: string, n: number, last: string): string {
  return `<${path}?n=${n}&last=${encodeURIComponent(last)}>; rel="next"`;
}

export interface Page {
  items: string[];
  /** The `Link` header value when more items follow. */
  next?: string;
}

/** Fetches one more than asked to learn, without counting, whether a next page exists. */
export async function fetchPage(
  path: string,
  n: string | undefined,
  last: string | undefined,
  fetch: (last: string | undefined, limit: number) => Promise<string[]>,
): Promise<Page> {
  const size = pageSize(n);
  if (size === 0) return { items: [] };
  const rows = await fetch(last, size + 1);
  if (rows.length <= size) return { items: rows };
  const items = rows.slice(0, size);
  return { items, next: nextPageLink(path, size, items[items.length - 1]) };
}
