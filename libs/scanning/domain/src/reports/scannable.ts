import type { StoredManifest } from '../service/registry-content';

const IMAGE_MANIFESTS = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);
const INDEXES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const IMAGE_CONFIGS = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);

/**
 * Whether the built-in scanner scans this manifest: container images and indexes of them.
 * Accessories (anything with a `subject`: signatures, SBOMs, attestations), Helm charts and
 * other artifacts are not scanned.
 */
export function isScannable(
  m: Pick<StoredManifest, 'mediaType' | 'artifactType' | 'subjectDigest'>,
): boolean {
  if (m.subjectDigest) return false;
  if (INDEXES.has(m.mediaType)) return m.artifactType === null || m.artifactType === '';
  return (
    IMAGE_MANIFESTS.has(m.mediaType) && m.artifactType !== null && IMAGE_CONFIGS.has(m.artifactType)
  );
}

/** Whether the manifest is an index (its report is the union of its platforms'). */
export function isIndex(mediaType: string): boolean {
  return INDEXES.has(mediaType);
}
