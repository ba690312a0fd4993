import { randomUUID } from 'node:crypto';
import { parseDigest } from '@berth/oci';
import type { InstalledPackage } from '../analyzers/installed-package';
import type { OsRelease } from '../analyzers/os-release.analyzer';
import { distinctPackages, imagePackageUrl, packageFingerprint, packageUrlOf } from './package-url';

/** The artifact an SBOM describes. */
export interface SbomArtifact {
  /** Repository inside the registry: `library/nginx`. */
  repository: string;
  /** Manifest digest: `sha256:…`. */
  digest: string;
  /** Manifest media type. */
  mediaType: string;
  tags?: string[];
  /** Registry host the repository is served from, when known; only used in the image's purl. */
  registry?: string;
}

/** What the scanner knows about an image, turned into SPDX or CycloneDX. */
export interface SbomInput {
  artifact: SbomArtifact;
  os?: OsRelease;
  packages: InstalledPackage[];
  generatedAt: Date;
  /** Version of Berth's scanner, named in the document's creators/tools. */
  toolVersion: string;
  /** The organization named as the document's creator; `Berth` when not set. */
  organization?: string;
  /** Where SPDX document namespaces start, e.g. the registry's own URL; {@link SPDX_DEFAULT_NAMESPACE_BASE} when not set. */
  spdxNamespaceBase?: string;
  /** Source of the document's UUID; a random UUID when not set. */
  uuid?: () => string;
}

/** One `externalRefs` entry of an SPDX package. */
export interface SpdxExternalRef {
  referenceCategory: 'PACKAGE-MANAGER' | 'SECURITY' | 'PERSISTENT-ID' | 'OTHER';
  referenceType: string;
  referenceLocator: string;
}

/** An SPDX 2.3 package, as far as Berth fills it in. */
export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: 'NOASSERTION';
  filesAnalyzed: false;
  licenseConcluded: 'NOASSERTION';
  licenseDeclared: 'NOASSERTION';
  copyrightText: 'NOASSERTION';
  sourceInfo?: string;
  description?: string;
  checksums?: { algorithm: 'SHA256' | 'SHA512'; checksumValue: string }[];
  externalRefs?: SpdxExternalRef[];
  primaryPackagePurpose: 'CONTAINER' | 'OPERATING_SYSTEM' | 'LIBRARY';
}

/** A relationship between two SPDX elements. */
export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'CONTAINS';
  relatedSpdxElement: string;
}

/** An SPDX 2.3 JSON document. */
export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  relationships: SpdxRelationship[];
}

/**
 * Default base of `documentNamespace`: SPDX 2.3 (6.5) names `spdx.org/spdxdocs` for creators
 * without a website of their own; the URI only has to be unique, not to resolve.
 */
export const SPDX_DEFAULT_NAMESPACE_BASE = 'https://spdx.org/spdxdocs/';

/** SPDX id of the image package every document DESCRIBES. */
export const SPDX_IMAGE_ID = 'SPDXRef-Image';
/** SPDX id of the image's operating system package. */
export const SPDX_OPERATING_SYSTEM_ID = 'SPDXRef-OperatingSystem';

/** SPDX ids allow only letters, digits, `.` and `-` after `SPDXRef-`. */
export function sanitizeSpdxId(value: string): string {
  return value.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** A timestamp the way SPDX and CycloneDX examples write it: UTC, whole seconds. */
export function sbomTimestamp(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new Error('SBOM generation time is not a valid date');
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function packageSourceInfo(pkg: InstalledPackage): string {
  const found = `found in /${pkg.location}`;
  const fromOtherSource =
    pkg.sourceName !== undefined &&
    (pkg.sourceName !== pkg.name ||
      (pkg.sourceVersion !== undefined && pkg.sourceVersion !== pkg.version));
  if (!fromOtherSource) return found;
  return `${found}; built from source package ${pkg.sourceName}${pkg.sourceVersion ? ` ${pkg.sourceVersion}` : ''}`;
}

function digestChecksum(digest: string): SpdxPackage['checksums'] {
  const parsed = parseDigest(digest);
  if (!parsed) return undefined;
  return [
    {
      algorithm: parsed.algorithm === 'sha256' ? 'SHA256' : 'SHA512',
      checksumValue: parsed.encoded,
    },
  ];
}

/** Rejects what would make a document that names nothing: no repository, a digest that is not one, no time. */
export function checkSbomInput(input: SbomInput): void {
  if (input.artifact.repository.trim() === '') throw new Error('SBOM artifact has no repository');
  if (!parseDigest(input.artifact.digest)) {
    throw new Error(`SBOM artifact digest "${input.artifact.digest}" is not a digest`);
  }
  sbomTimestamp(input.generatedAt);
}

const NO_ASSERTIONS = {
  downloadLocation: 'NOASSERTION',
  filesAnalyzed: false,
  licenseConcluded: 'NOASSERTION',
  licenseDeclared: 'NOASSERTION',
  copyrightText: 'NOASSERTION',
} as const;

/**
 * Builds the SPDX 2.3 JSON document of an image's package inventory: the image as the described
 * `CONTAINER` package, its operating system (when known) and every package it CONTAINS, each
 * with its purl as a `PACKAGE-MANAGER` external reference. Licences are not analysed, so they
 * are NOASSERTION. Package ids are derived from the package, so one inventory gives the same ids
 * every time; the document namespace carries a fresh UUID, as SPDX requires one per document.
 */
export function toSpdx23(input: SbomInput): SpdxDocument {
  checkSbomInput(input);
  const { artifact, os } = input;
  const uuid = (input.uuid ?? randomUUID)();
  const base = input.spdxNamespaceBase ?? SPDX_DEFAULT_NAMESPACE_BASE;
  if (!/^[a-z][a-z0-9+.-]*:[^#]*$/i.test(base)) {
    throw new Error(`SPDX namespace base "${base}" is not an absolute URI without a fragment`);
  }
  const namespaceBase = base.endsWith('/') ? base : `${base}/`;
  const name = `${artifact.repository}@${artifact.digest}`;
  const image: SpdxPackage = {
    SPDXID: SPDX_IMAGE_ID,
    name: artifact.repository,
    versionInfo: artifact.digest,
    ...NO_ASSERTIONS,
    ...(digestChecksum(artifact.digest) ? { checksums: digestChecksum(artifact.digest) } : {}),
    description: `OCI artifact ${name} (${artifact.mediaType})${
      artifact.tags?.length ? `, tagged ${artifact.tags.join(', ')}` : ''
    }`,
    externalRefs: [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: imagePackageUrl({
          repository: artifact.repository,
          digest: artifact.digest,
          registry: artifact.registry,
        }),
      },
    ],
    primaryPackagePurpose: 'CONTAINER',
  };
  const packages: SpdxPackage[] = [image];
  const relationships: SpdxRelationship[] = [
    {
      spdxElementId: 'SPDXRef-DOCUMENT',
      relationshipType: 'DESCRIBES',
      relatedSpdxElement: SPDX_IMAGE_ID,
    },
  ];
  if (os) {
    packages.push({
      SPDXID: SPDX_OPERATING_SYSTEM_ID,
      name: os.id,
      ...(os.versionId ? { versionInfo: os.versionId } : {}),
      ...NO_ASSERTIONS,
      ...(os.prettyName ? { description: os.prettyName } : {}),
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    });
    relationships.push({
      spdxElementId: SPDX_IMAGE_ID,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: SPDX_OPERATING_SYSTEM_ID,
    });
  }
  for (const pkg of distinctPackages(input.packages)) {
    const purl = packageUrlOf(pkg, os);
    const kind = sanitizeSpdxId(pkg.ecosystem.split(':')[0]) || 'unknown';
    const id = `SPDXRef-Package-${kind}-${sanitizeSpdxId(pkg.name) || 'unnamed'}-${packageFingerprint(pkg)}`;
    packages.push({
      SPDXID: id,
      name: pkg.name,
      versionInfo: pkg.version,
      ...NO_ASSERTIONS,
      sourceInfo: packageSourceInfo(pkg),
      ...(purl
        ? {
            externalRefs: [
              {
                referenceCategory: 'PACKAGE-MANAGER',
                referenceType: 'purl',
                referenceLocator: purl,
              },
            ],
          }
        : {}),
      primaryPackagePurpose: 'LIBRARY',
    });
    relationships.push({
      spdxElementId: SPDX_IMAGE_ID,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: id,
    });
  }
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `${namespaceBase}berth-${sanitizeSpdxId(artifact.repository)}-${artifact.digest.replace(':', '-')}-${uuid}`,
    creationInfo: {
      created: sbomTimestamp(input.generatedAt),
      creators: [
        `Tool: berth-scanner-${input.toolVersion}`,
        `Organization: ${input.organization ?? 'Berth'}`,
      ],
    },
    packages,
    relationships,
  };
}
