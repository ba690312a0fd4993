import { OciError, isValidTag, parseDigest } from '@berth/oci';

export type ManifestReference = { kind: 'digest'; digest: string } | { kind: 'tag'; tag: string };

/** A manifest reference: a digest (contains ':') or a tag; anything else is refused. */
export function parseManifestReference(reference: string): ManifestReference {
  if (reference.includes(':')) {
    if (!parseDigest(reference))
      throw new OciError('DIGEST_INVALID', 'invalid digest', { digest: reference });
    return { kind: 'digest', digest: reference };
  }
  if (!isValidTag(reference))
    throw new OciError('MANIFEST_INVALID', 'invalid tag', { tag: reference });
  return { kind: 'tag', tag: reference };
}
