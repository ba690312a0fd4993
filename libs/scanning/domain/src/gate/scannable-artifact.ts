import { isIndex, isScannable } from '../reports/scannable';

/** The parts of a stored manifest the gate looks at. */
export interface GateManifest {
  digest: string;
  mediaType: string;
  /** `artifactType`, or the config's media type. */
  artifactType: string | null;
  /** Set for accessories (signatures, SBOMs, …) that name a subject. */
  subjectDigest: string | null;
  /** The manifest's JSON, exactly as pushed. */
  content: string;
}

// cosign's tag-attached signatures and attestations are image manifests whose only layers are these.
const SIGNATURE_LAYERS = new Set([
  'application/vnd.dev.cosign.simplesigning.v1+json',
  'application/vnd.dsse.envelope.v1+json',
]);

/** True for an image index or Docker manifest list. */
export function isImageIndex(mediaType: string): boolean {
  return isIndex(mediaType);
}

/** True for a manifest that has layers and only signature or attestation layers. */
export function isSignatureManifest(content: string): boolean {
  let layers: unknown;
  try {
    layers = (JSON.parse(content) as { layers?: unknown }).layers;
  } catch {
    return false;
  }
  return (
    Array.isArray(layers) &&
    layers.length > 0 &&
    layers.every((layer: unknown) =>
      SIGNATURE_LAYERS.has(String((layer as { mediaType?: unknown } | null)?.mediaType)),
    )
  );
}

/**
 * Whether the gate judges a manifest: a container image the scanner scans (the scanner's own
 * rule, so the gate never waits for a report that will not come) that is not a cosign
 * signature or attestation (Harbor lets signature pulls through). Any other layer type keeps
 * an image scannable: an unusual layer is no way around the gate.
 */
export function isScannableImage(manifest: GateManifest): boolean {
  if (isImageIndex(manifest.mediaType) || !isScannable(manifest)) return false;
  return !isSignatureManifest(manifest.content);
}
