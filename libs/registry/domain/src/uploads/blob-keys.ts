import { OciError, parseDigest, type ParsedDigest } from '@berth/oci';

/** Where a blob's bytes live: `blobs/<algorithm>/<first two hex>/<hex>`. */
export function blobKeyOf(digest: ParsedDigest): string {
  return `blobs/${digest.algorithm}/${digest.encoded.slice(0, 2)}/${digest.encoded}`;
}

/** One PATCH body of an upload session; zero-padded so listings sort in upload order. */
export function chunkKeyOf(uploadId: string, seq: number): string {
  return `uploads/${uploadId}/${String(seq).padStart(6, '0')}`;
}

/** Parses a digest a client sent, or throws DIGEST_INVALID. */
export function requireDigest(value: string | undefined): ParsedDigest {
  const parsed = value === undefined ? undefined : parseDigest(value);
  if (!parsed) throw new OciError('DIGEST_INVALID', 'invalid digest', { digest: value });
  return parsed;
}
