import { createHash } from 'node:crypto';
import { MediaType, parseDigest, type Descriptor } from '@berth/oci';

/** The OCI 1.1 image manifest that stores an SBOM as a referrer of the artifact it describes. */
export interface SbomManifest {
  schemaVersion: 2;
  mediaType: typeof OCI_IMAGE_MANIFEST_MEDIA_TYPE;
  artifactType: string;
  config: Descriptor;
  layers: Descriptor[];
  subject: Descriptor;
  annotations: Record<string, string>;
}

/** What to push for an SBOM: its blobs first, then the manifest. */
export interface SbomManifestResult {
  manifest: SbomManifest;
  manifestBytes: Buffer;
  manifestDigest: string;
  manifestMediaType: typeof OCI_IMAGE_MANIFEST_MEDIA_TYPE;
  /** The empty config and the SBOM document. */
  blobs: { digest: string; mediaType: string; bytes: Buffer }[];
}

/** The SBOM serializations Berth stores. */
export type SbomFormat = 'spdx-json' | 'cyclonedx-json';

/** Media type of the OCI image manifest that carries the SBOM. */
export const OCI_IMAGE_MANIFEST_MEDIA_TYPE = MediaType.ociManifest;
/** Layer media type of an SPDX JSON document (Harbor's SBOM media type). */
export const SPDX_JSON_MEDIA_TYPE = 'application/spdx+json';
/** Layer media type (and artifact type) of a CycloneDX JSON BOM. */
export const CYCLONEDX_JSON_MEDIA_TYPE = 'application/vnd.cyclonedx+json';
/**
 * The artifact type Harbor (2.11+) gives the SBOM accessories its scanners produce; Harbor
 * recognises a manifest with this artifact type (or config media type) as accessory `sbom.harbor`
 * and shows its single layer as the artifact's SBOM, which its portal reads as SPDX JSON.
 */
export const HARBOR_SBOM_ARTIFACT_TYPE = 'application/vnd.goharbor.harbor.sbom.v1';

/** The OCI 1.1 empty config: the two bytes `{}`. */
export const OCI_EMPTY_CONFIG = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
} as const;

const FORMATS: Record<
  SbomFormat,
  { layerMediaType: string; artifactType: string; description: string; file: string }
> = {
  // Harbor's own accessory type, so Harbor-compatible clients list it as the artifact's SBOM.
  'spdx-json': {
    layerMediaType: SPDX_JSON_MEDIA_TYPE,
    artifactType: HARBOR_SBOM_ARTIFACT_TYPE,
    description: 'SPDX JSON SBOM',
    file: 'sbom.spdx.json',
  },
  // Harbor's portal would parse it as SPDX, so CycloneDX stays a plain referrer typed by its media type.
  'cyclonedx-json': {
    layerMediaType: CYCLONEDX_JSON_MEDIA_TYPE,
    artifactType: CYCLONEDX_JSON_MEDIA_TYPE,
    description: 'CycloneDX JSON SBOM',
    file: 'sbom.cdx.json',
  },
};

/** What the SBOM manifest is built from. */
export interface SbomManifestInput {
  format: SbomFormat;
  /** The serialized SBOM document, stored byte for byte as the manifest's only layer. */
  document: Buffer;
  /** The artifact the SBOM describes: its manifest's media type, digest and size. */
  subject: { mediaType: string; digest: string; size: number };
  createdAt: Date;
  /** Overrides the format's artifact type (for example to tag CycloneDX as a Harbor SBOM too). */
  artifactType?: string;
  /** Added to the manifest's annotations; they win over the defaults. */
  annotations?: Record<string, string>;
}

/** `sha256:<hex>` of some bytes. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Builds the OCI 1.1 manifest that attaches an SBOM to an artifact through `subject`, with the
 * empty config and the document as its single layer, annotated the way Harbor annotates the SBOM
 * accessories it creates (`created`, `created-by`, `org.opencontainers.artifact.created`,
 * `org.opencontainers.artifact.description`) plus `org.opencontainers.image.created`. Returns the
 * exact manifest bytes, their digest and the blobs to upload before the manifest.
 */
export function buildSbomManifest(input: SbomManifestInput): SbomManifestResult {
  const { subject } = input;
  if (!parseDigest(subject.digest)) {
    throw new Error(`SBOM subject digest "${subject.digest}" is not a digest`);
  }
  if (!Number.isSafeInteger(subject.size) || subject.size < 0) {
    throw new Error(`SBOM subject size ${subject.size} is not a byte count`);
  }
  if (subject.mediaType === '') throw new Error('SBOM subject has no media type');
  if (input.document.length === 0) throw new Error('SBOM document is empty');
  if (Number.isNaN(input.createdAt.getTime()))
    throw new Error('SBOM creation time is not a valid date');
  const format = FORMATS[input.format];
  const created = input.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const documentDigest = sha256Digest(input.document);
  const manifest: SbomManifest = {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE,
    artifactType: input.artifactType ?? format.artifactType,
    config: { ...OCI_EMPTY_CONFIG },
    layers: [
      {
        mediaType: format.layerMediaType,
        digest: documentDigest,
        size: input.document.length,
        annotations: { 'org.opencontainers.image.title': format.file },
      },
    ],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: {
      created,
      'created-by': 'Berth',
      'org.opencontainers.artifact.created': created,
      'org.opencontainers.artifact.description': format.description,
      'org.opencontainers.image.created': created,
      ...input.annotations,
    },
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return {
    manifest,
    manifestBytes,
    manifestDigest: sha256Digest(manifestBytes),
    manifestMediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE,
    blobs: [
      {
        digest: OCI_EMPTY_CONFIG.digest,
        mediaType: OCI_EMPTY_CONFIG.mediaType,
        bytes: Buffer.from('{}'),
      },
      { digest: documentDigest, mediaType: format.layerMediaType, bytes: input.document },
    ],
  };
}
