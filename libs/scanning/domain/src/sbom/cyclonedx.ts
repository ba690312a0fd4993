import { randomUUID } from 'node:crypto';
import { parseDigest } from '@berth/oci';
import type { InstalledPackage } from '../analyzers/installed-package';
import { distinctPackages, imagePackageUrl, packageFingerprint, packageUrlOf } from './package-url';
import { checkSbomInput, sbomTimestamp, type SbomInput } from './spdx';

/** A CycloneDX name/value property. */
export interface CycloneDxProperty {
  name: string;
  value: string;
}

/** A CycloneDX 1.6 component, as far as Berth fills it in. */
export interface CycloneDxComponent {
  type: 'application' | 'container' | 'operating-system' | 'library';
  'bom-ref'?: string;
  group?: string;
  name: string;
  version?: string;
  description?: string;
  hashes?: { alg: 'SHA-256' | 'SHA-512'; content: string }[];
  purl?: string;
  properties?: CycloneDxProperty[];
}

/** A CycloneDX 1.6 JSON BOM. */
export interface CycloneDxBom {
  $schema: string;
  bomFormat: 'CycloneDX';
  specVersion: '1.6';
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp: string;
    tools: { components: CycloneDxComponent[] };
    component: CycloneDxComponent;
    properties?: CycloneDxProperty[];
  };
  components: CycloneDxComponent[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

/** The `$schema` a CycloneDX 1.6 JSON BOM names. */
export const CYCLONEDX_16_SCHEMA_URL = 'http://cyclonedx.org/schema/bom-1.6.schema.json';

/** Prefix of the custom properties Berth adds to components. */
export const CYCLONEDX_PROPERTY_PREFIX = 'berth:package:';

function digestHashes(digest: string): CycloneDxComponent['hashes'] {
  const parsed = parseDigest(digest);
  if (!parsed) return undefined;
  return [{ alg: parsed.algorithm === 'sha256' ? 'SHA-256' : 'SHA-512', content: parsed.encoded }];
}

function packageProperties(pkg: InstalledPackage): CycloneDxProperty[] {
  const properties: CycloneDxProperty[] = [
    { name: `${CYCLONEDX_PROPERTY_PREFIX}ecosystem`, value: pkg.ecosystem },
    { name: `${CYCLONEDX_PROPERTY_PREFIX}location`, value: `/${pkg.location}` },
  ];
  if (pkg.arch) properties.push({ name: `${CYCLONEDX_PROPERTY_PREFIX}arch`, value: pkg.arch });
  if (pkg.sourceName) {
    properties.push({ name: `${CYCLONEDX_PROPERTY_PREFIX}source-name`, value: pkg.sourceName });
  }
  if (pkg.sourceVersion) {
    properties.push({
      name: `${CYCLONEDX_PROPERTY_PREFIX}source-version`,
      value: pkg.sourceVersion,
    });
  }
  return properties;
}

const OS_PACKAGE_FAMILIES = new Set([
  'debian',
  'ubuntu',
  'alpine',
  'rpm',
  'red hat',
  'rocky linux',
  'almalinux',
  'opensuse',
  'suse',
  'fedora',
  'oracle linux',
  'amazon linux',
]);

/** Packages the distribution's package manager installed, as opposed to language packages. */
function isOsPackage(pkg: InstalledPackage): boolean {
  return OS_PACKAGE_FAMILIES.has(pkg.ecosystem.split(':')[0].toLowerCase());
}

/** Maven's `group:artifact` and npm's `@scope/name` carry a CycloneDX group. */
function groupAndName(pkg: InstalledPackage): { group?: string; name: string } {
  const family = pkg.ecosystem.split(':')[0].toLowerCase();
  if (family === 'maven') {
    const colon = pkg.name.indexOf(':');
    if (colon > 0) return { group: pkg.name.slice(0, colon), name: pkg.name.slice(colon + 1) };
  }
  if (family === 'npm' && pkg.name.startsWith('@')) {
    const slash = pkg.name.indexOf('/');
    if (slash > 0) return { group: pkg.name.slice(0, slash), name: pkg.name.slice(slash + 1) };
  }
  return { name: pkg.name };
}

/**
 * Builds the CycloneDX 1.6 JSON BOM of an image's package inventory: the image as the
 * `container` metadata component, its operating system as an `operating-system` component
 * (when known) and each package as a `library` with its purl and where it was found. A package's
 * `bom-ref` is its purl when no other package has that purl, otherwise the purl plus a
 * fingerprint of the package, so refs are unique and stable for one inventory. The
 * `dependencies` graph says what holds what: the image holds its operating system and the
 * language packages, the operating system holds the distribution's packages.
 */
export function toCycloneDx16(input: SbomInput): CycloneDxBom {
  checkSbomInput(input);
  const { artifact, os } = input;
  const imageRef = imagePackageUrl({
    repository: artifact.repository,
    digest: artifact.digest,
    registry: artifact.registry,
  });
  const image: CycloneDxComponent = {
    type: 'container',
    'bom-ref': imageRef,
    name: artifact.repository,
    version: artifact.digest,
    ...(digestHashes(artifact.digest) ? { hashes: digestHashes(artifact.digest) } : {}),
    purl: imageRef,
    properties: [
      { name: 'berth:image:media-type', value: artifact.mediaType },
      ...(artifact.tags ?? []).map((tag) => ({ name: 'berth:image:tag', value: tag })),
    ],
  };
  const components: CycloneDxComponent[] = [];
  if (os) {
    components.push({
      type: 'operating-system',
      'bom-ref': `os:${os.id}${os.versionId ? `@${os.versionId}` : ''}`,
      name: os.id,
      ...(os.versionId ? { version: os.versionId } : {}),
      ...(os.prettyName ? { description: os.prettyName } : {}),
    });
  }
  const packages = distinctPackages(input.packages).map((pkg) => ({
    pkg,
    purl: packageUrlOf(pkg, os),
  }));
  const purlCounts = new Map<string, number>();
  for (const { purl } of packages) {
    if (purl) purlCounts.set(purl, (purlCounts.get(purl) ?? 0) + 1);
  }
  const libraries: { pkg: InstalledPackage; ref: string }[] = [];
  for (const { pkg, purl } of packages) {
    const ref =
      purl && purlCounts.get(purl) === 1
        ? purl
        : `${purl ?? `package:${pkg.name}`}#${packageFingerprint(pkg)}`;
    components.push({
      type: 'library',
      'bom-ref': ref,
      ...groupAndName(pkg),
      version: pkg.version,
      ...(purl ? { purl } : {}),
      properties: packageProperties(pkg),
    });
    libraries.push({ pkg, ref });
  }
  const osRef = os ? components[0]['bom-ref'] : undefined;
  const osPackageRefs = libraries.filter((l) => osRef && isOsPackage(l.pkg)).map((l) => l.ref);
  const otherRefs = libraries.filter((l) => !osRef || !isOsPackage(l.pkg)).map((l) => l.ref);
  return {
    $schema: CYCLONEDX_16_SCHEMA_URL,
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${(input.uuid ?? randomUUID)()}`,
    version: 1,
    metadata: {
      timestamp: sbomTimestamp(input.generatedAt),
      tools: {
        components: [{ type: 'application', name: 'berth-scanner', version: input.toolVersion }],
      },
      component: image,
    },
    components,
    dependencies: [
      { ref: imageRef, dependsOn: [...(osRef ? [osRef] : []), ...otherRefs] },
      ...(osRef ? [{ ref: osRef, dependsOn: osPackageRefs }] : []),
      ...libraries.map(({ ref }) => ({ ref })),
    ],
  };
}
