import type { InstalledPackage } from '../analyzers/installed-package';
import type { OsRelease } from '../analyzers/os-release.analyzer';
import { toCycloneDx16 } from './cyclonedx';
import {
  CYCLONEDX_JSON_MEDIA_TYPE,
  HARBOR_SBOM_ARTIFACT_TYPE,
  SPDX_JSON_MEDIA_TYPE,
  buildSbomManifest,
  type SbomFormat,
  type SbomManifestResult,
} from './sbom-manifest';
import { toSpdx23 } from './spdx';

/** Harbor's MIME type of an SBOM report: the `scan_report` rows of SBOM generation carry it. */
export const SBOM_REPORT_MIME = 'application/vnd.security.sbom.report+json; version=1.0';

/** The accessory type Harbor gives the SBOMs its scanners attach to an artifact. */
export const HARBOR_SBOM_ACCESSORY_TYPE = 'sbom.harbor';

/** One SBOM pushed for an artifact, as an SBOM report records it. */
export interface GeneratedSbom {
  format: SbomFormat;
  /** Digest of the SBOM manifest in the artifact's repository. */
  manifestDigest: string;
  artifactType: string;
  /** Digest of the document itself, the manifest's only layer. */
  documentDigest: string;
  packages: number;
}

/**
 * What an SBOM report holds (`scan_report.report` as JSON): the SBOM manifests pushed as
 * referrers of the artifact; `sbom_digest` names the SPDX one, which Harbor's clients read.
 */
export interface SbomReport {
  generated_at: string;
  artifact: { repository: string; digest: string; mime_type: string };
  scanner: { name: string; vendor: string; version: string };
  sbom_digest: string;
  sboms: GeneratedSbom[];
}

/** What the SBOMs of one artifact are made from. */
export interface SbomSource {
  repository: string;
  subject: { digest: string; mediaType: string; size: number };
  os?: OsRelease;
  packages: InstalledPackage[];
  generatedAt: Date;
  toolVersion: string;
}

/**
 * Both SBOMs of an artifact, SPDX 2.3 JSON and CycloneDX 1.6 JSON, each wrapped in the OCI 1.1
 * manifest that attaches it to the artifact through `subject`; SPDX first, as Harbor's accessory.
 */
export function buildSbomArtifacts(
  source: SbomSource,
): Array<{ format: SbomFormat; built: SbomManifestResult }> {
  const input = {
    artifact: {
      repository: source.repository,
      digest: source.subject.digest,
      mediaType: source.subject.mediaType,
    },
    os: source.os,
    packages: source.packages,
    generatedAt: source.generatedAt,
    toolVersion: source.toolVersion,
  };
  const documents: Array<[SbomFormat, unknown]> = [
    ['spdx-json', toSpdx23(input)],
    ['cyclonedx-json', toCycloneDx16(input)],
  ];
  return documents.map(([format, document]) => ({
    format,
    built: buildSbomManifest({
      format,
      document: Buffer.from(JSON.stringify(document)),
      subject: source.subject,
      createdAt: source.generatedAt,
    }),
  }));
}

/** The record of one pushed SBOM, for its report. */
export function generatedSbomOf(
  format: SbomFormat,
  built: SbomManifestResult,
  packages: number,
): GeneratedSbom {
  return {
    format,
    manifestDigest: built.manifestDigest,
    artifactType: built.manifest.artifactType,
    documentDigest: built.manifest.layers[0].digest,
    packages,
  };
}

/** The SBOM manifests' artifact types: Harbor's SPDX accessory and the CycloneDX referrer. */
const SBOM_ARTIFACT_TYPES: Record<string, string> = {
  [HARBOR_SBOM_ARTIFACT_TYPE]: SPDX_JSON_MEDIA_TYPE,
  [CYCLONEDX_JSON_MEDIA_TYPE]: CYCLONEDX_JSON_MEDIA_TYPE,
};

/**
 * The document layer of an SBOM manifest (Harbor's `sbom.harbor` accessory or a CycloneDX
 * referrer): what `additions/sbom` of that manifest serves. Undefined for any other manifest.
 */
export function sbomDocumentOf(
  artifactType: string | null,
  content: string,
): { digest: string; mediaType: string } | undefined {
  if (artifactType === null || !(artifactType in SBOM_ARTIFACT_TYPES)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return undefined;
  }
  const layers = (parsed as { layers?: unknown }).layers;
  if (!Array.isArray(layers) || layers.length !== 1) return undefined;
  const layer = layers[0] as { digest?: unknown; mediaType?: unknown };
  if (typeof layer.digest !== 'string' || layer.mediaType !== SBOM_ARTIFACT_TYPES[artifactType])
    return undefined;
  return { digest: layer.digest, mediaType: layer.mediaType };
}
