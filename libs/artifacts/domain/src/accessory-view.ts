import type { FilterCondition, ListQuery } from '@berth/api/domain';
import type { ArtifactView } from './artifact-view';

/**
 * Harbor's accessory types: what it records for a manifest pushed with a `subject`. Anything it
 * does not recognise is a generic `subject.accessory`.
 */
export type HarborAccessoryType =
  | 'signature.cosign'
  | 'signature.notation'
  | 'sbom.harbor'
  | 'accelerator.nydus'
  | 'subject.accessory';

/** A manifest that names a subject: Harbor's accessory of that subject. */
export interface AccessoryView {
  /** The accessory's own manifest. */
  artifact: ArtifactView;
  type: HarborAccessoryType;
  subjectDigest: string;
  /** The subject's manifest id in the same repository; null while the subject is not there. */
  subjectId: number | null;
}

// cosign's signature pushed through the referrers API, in its older and its bundle format.
const COSIGN_TYPES = new Set([
  'application/vnd.dev.cosign.artifact.sig.v1+json',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
]);
const NOTATION_TYPE = 'application/vnd.cncf.notary.signature';
const HARBOR_SBOM_TYPE = 'application/vnd.goharbor.harbor.sbom.v1';
const IMAGE_CONFIGS = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);
const NYDUS_BOOTSTRAP = 'containerd.io/snapshot/nydus-bootstrap';

/**
 * The accessory type Harbor gives a manifest with a subject, decided as Harbor does by its
 * `artifactType`, else its config's media type (the view's `artifactType`): cosign and notation
 * signatures, Harbor's own SBOM, a nydus image (an image whose last layer is the nydus
 * bootstrap), else the generic type — a CycloneDX SBOM pushed by `oras attach` is generic too.
 */
export function harborAccessoryType(
  artifact: Pick<ArtifactView, 'artifactType' | 'content'>,
): HarborAccessoryType {
  const from = artifact.artifactType;
  if (from === null) return 'subject.accessory';
  if (COSIGN_TYPES.has(from)) return 'signature.cosign';
  if (from === NOTATION_TYPE) return 'signature.notation';
  if (from === HARBOR_SBOM_TYPE) return 'sbom.harbor';
  if (IMAGE_CONFIGS.has(from) && lastLayerAnnotated(artifact.content, NYDUS_BOOTSTRAP))
    return 'accelerator.nydus';
  return 'subject.accessory';
}

/** The fields the accessory list's `q` may name (see selectAccessories). */
export const ACCESSORY_FILTER_FIELDS = ['type', 'digest'] as const;
/** The fields the accessory list's `sort` may name (see selectAccessories). */
export const ACCESSORY_SORT_FIELDS = ['creation_time', 'size'] as const;

/**
 * A subject's accessories narrowed by `q` (`type`, `digest`: exact or `{a b}`) and ordered by
 * `sort` (`creation_time`, `size`), newest first by default. Done in memory because the type is
 * derived from each manifest; a subject has few accessories.
 */
export function selectAccessories(accessories: AccessoryView[], query: ListQuery): AccessoryView[] {
  const kept = accessories.filter((a) => query.filters.every((c) => matches(a, c)));
  const sorts =
    query.sorts.length > 0 ? query.sorts : [{ field: 'creation_time', direction: 'DESC' as const }];
  return kept.sort((x, y) => {
    for (const s of sorts) {
      const d = compareBy(x, y, s.field);
      if (d !== 0) return s.direction === 'ASC' ? d : -d;
    }
    return y.artifact.id - x.artifact.id;
  });
}

function matches(a: AccessoryView, c: FilterCondition): boolean {
  const value = c.field === 'type' ? a.type : c.field === 'digest' ? a.artifact.digest : undefined;
  if (value === undefined) throw new Error(`accessory filter on ${c.field} is not offered`);
  if (c.kind === 'exact') return value === String(c.value);
  if (c.kind === 'or') return c.values.some((v) => value === String(v));
  throw new Error(`accessory filter of kind ${c.kind} is not offered`);
}

function compareBy(x: AccessoryView, y: AccessoryView, field: string): number {
  if (field === 'creation_time')
    return x.artifact.createdAt < y.artifact.createdAt
      ? -1
      : x.artifact.createdAt > y.artifact.createdAt
        ? 1
        : 0;
  if (field === 'size') return x.artifact.size - y.artifact.size;
  throw new Error(`accessory sort on ${field} is not offered`);
}

function lastLayerAnnotated(content: string, annotation: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null) return false;
  const layers = (parsed as { layers?: unknown }).layers;
  if (!Array.isArray(layers) || layers.length === 0) return false;
  const last: unknown = layers[layers.length - 1];
  if (typeof last !== 'object' || last === null) return false;
  const annotations = (last as { annotations?: unknown }).annotations;
  return typeof annotations === 'object' && annotations !== null && annotation in annotations;
}
