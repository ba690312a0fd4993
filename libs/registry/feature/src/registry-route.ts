/** What a `/v2/<name>/...` path addresses; names may contain '/', so paths are matched from the end. */
export type RegistryRoute =
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'upload'; name: string; uploadId?: string }
  | { kind: 'tags'; name: string }
  | { kind: 'referrers'; name: string; digest: string };

const patterns: Array<[RegExp, (m: string[]) => RegistryRoute]> = [
  [
    /^\/v2\/(.+)\/manifests\/([^/]+)$/,
    ([, name, reference]) => ({ kind: 'manifest', name, reference }),
  ],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, ([, name]) => ({ kind: 'upload', name })],
  [
    /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/,
    ([, name, uploadId]) => ({ kind: 'upload', name, uploadId }),
  ],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, ([, name, digest]) => ({ kind: 'blob', name, digest })],
  [/^\/v2\/(.+)\/tags\/list$/, ([, name]) => ({ kind: 'tags', name })],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, ([, name, digest]) => ({ kind: 'referrers', name, digest })],
];

/** Resolves a request path (without query); undefined for paths outside the API or badly encoded. */
export function parseRegistryRoute(path: string): RegistryRoute | undefined {
  for (const [pattern, build] of patterns) {
    const m = pattern.exec(path);
    if (!m) continue;
    try {
      return build(m.map((part) => decodeURIComponent(part)));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `Content-Range` of a chunk: `<start>-<end>` (spec) or `bytes <start>-<end>/<total>`. */
export function parseChunkRange(
  header: string | undefined,
): { start: number; end: number } | 'invalid' | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?\s*$/.exec(header);
  if (!m) return 'invalid';
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return 'invalid';
  return { start, end };
}
