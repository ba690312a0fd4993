import { OciError, parseDigest, type ParsedDigest } from '@berth/oci';

/** Where a blob's bytes live: `blobs/<algorithm>/<first two hex>/<hex>`. */
export function blobKeyOf(digest: ParsedDigest): string {
  return `blobs/${digest.algorithm}/${digest.encoded.slice(0, 2)}/${digest.encoded}`;
}

/** Where an upload session's chunks live. */
export function uploadPrefixOf(uploadId: string): string {
  return `uploads/${uploadId}/`;
}

/** The one staged file an upload session grows on drivers with `writeAt` (filesystem). */
export function stagedUploadKeyOf(uploadId: string): string {
  return `${uploadPrefixOf(uploadId)}data`;
}

/**
 * One PATCH body of an upload session; zero-padded so listings sort in upload order. The token
 * is unique per attempt: two replicas storing a chunk for the same offset write different keys,
 * and the one that loses the session's compare-and-set removes only its own.
 */
export function chunkKeyOf(uploadId: string, seq: number, token?: string): string {
  return `${uploadPrefixOf(uploadId)}${String(seq).padStart(6, '0')}${token ? `-${token}` : ''}`;
}

/** The keys of a session's recorded chunks, in order. */
export function chunkKeysOf(session: {
  id: string;
  chunkCount: number;
  chunkTokens: string;
}): string[] {
  const tokens = session.chunkTokens.split(' ').filter((t) => t !== '');
  const untokened = session.chunkCount - tokens.length;
  return Array.from({ length: session.chunkCount }, (_, i) =>
    chunkKeyOf(session.id, i, i < untokened ? undefined : tokens[i - untokened]),
  );
}

/** Parses a digest a client sent, or throws DIGEST_INVALID. */
export function requireDigest(value: string | undefined): ParsedDigest {
  const parsed = value === undefined ? undefined : parseDigest(value);
  if (!parsed) throw new OciError('DIGEST_INVALID', 'invalid digest', { digest: value });
  return parsed;
}
