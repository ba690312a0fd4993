import { createHash } from 'node:crypto';
import type { InstalledPackage } from '../analyzers/installed-package';
import type { OsRelease } from '../analyzers/os-release.analyzer';

/** The components of a package URL (purl), before encoding. */
export interface PackageUrlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  /** Keys are lowercased; pairs with an empty or missing value are left out. */
  qualifiers?: Record<string, string | undefined>;
  subpath?: string;
}

// Beyond encodeURIComponent's set, the purl spec leaves only `.-_~` and `:` unencoded.
const EXTRA_ESCAPES: Record<string, string> = {
  '!': '%21',
  "'": '%27',
  '(': '%28',
  ')': '%29',
  '*': '%2A',
};

/**
 * Percent-encodes one purl component (a namespace or subpath segment, a name, a version or a
 * qualifier value): UTF-8 octets outside `A-Za-z0-9.-_~:` become `%XX`, so `@` is `%40`,
 * `+` is `%2B`, `/` is `%2F` and a space is `%20`, while `:` stays as it is.
 */
export function encodePurlComponent(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => EXTRA_ESCAPES[c])
    .replace(/%3A/gi, ':');
}

/** Builds a canonical purl string from its components, as the purl specification's "how to build" describes. */
export function formatPackageUrl(parts: PackageUrlParts): string {
  const type = parts.type.toLowerCase();
  if (!/^[a-z][a-z0-9.+-]*$/.test(type)) throw new Error(`purl type "${parts.type}" is not valid`);
  const name = trimSlashes(parts.name);
  if (name === '') throw new Error(`purl of type ${type} needs a name`);
  let purl = `pkg:${type}/`;
  const namespace = trimSlashes(parts.namespace ?? '');
  if (namespace !== '') {
    const segments = namespace.split('/');
    if (segments.some((s) => s === '')) {
      throw new Error(`purl namespace "${parts.namespace}" has an empty segment`);
    }
    purl += `${segments.map(encodePurlComponent).join('/')}/`;
  }
  purl += encodePurlComponent(name);
  if (parts.version) purl += `@${encodePurlComponent(parts.version)}`;
  const qualifiers = Object.entries(parts.qualifiers ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => {
      const k = key.toLowerCase();
      if (!/^[a-z][a-z0-9._-]*$/.test(k))
        throw new Error(`purl qualifier key "${key}" is not valid`);
      return `${k}=${encodePurlComponent(value)}`;
    })
    .sort();
  if (qualifiers.length > 0) purl += `?${qualifiers.join('&')}`;
  const subpath = (parts.subpath ?? '')
    .split('/')
    .filter((s) => s !== '' && s !== '.' && s !== '..');
  if (subpath.length > 0) purl += `#${subpath.map(encodePurlComponent).join('/')}`;
  return purl;
}

function trimSlashes(value: string): string {
  return value.replace(/^\/+|\/+$/g, '');
}

/** `Debian:12` → `['Debian', '12']`; `npm` → `['npm', undefined]`. */
function splitEcosystem(ecosystem: string): [string, string | undefined] {
  const colon = ecosystem.indexOf(':');
  return colon < 0
    ? [ecosystem, undefined]
    : [ecosystem.slice(0, colon), ecosystem.slice(colon + 1)];
}

/** The `distro` qualifier the way syft and Trivy write it for deb and rpm: `debian-12`, `rhel-9.3`. */
function distroOf(
  os: OsRelease | undefined,
  vendor: string,
  release: string | undefined,
): string | undefined {
  if (os?.versionId) return `${os.id.toLowerCase()}-${os.versionId}`;
  return release ? `${vendor}-${release}` : undefined;
}

// OSV's names for RPM distributions, mapped to the purl vendor used for them.
const RPM_VENDORS: Record<string, string> = {
  'red hat': 'redhat',
  'rocky linux': 'rocky',
  almalinux: 'almalinux',
  opensuse: 'opensuse',
  suse: 'suse',
  fedora: 'fedora',
  'oracle linux': 'oracle',
  mageia: 'mageia',
  'photon os': 'photon',
  'amazon linux': 'amazon',
  rpm: '',
};

// os-release IDs whose purl vendor differs from the ID (`opensuse-leap` and kin are `opensuse`).
const OS_ID_VENDORS: Record<string, string> = { rhel: 'redhat', ol: 'oracle', amzn: 'amazon' };

/**
 * The purl that names an installed package, so SBOM consumers can match it against advisories:
 * dpkg packages `pkg:deb/debian/<name>@<version>?arch=…&distro=debian-12`, Alpine
 * `pkg:apk/alpine/<name>@<version>?arch=…&distro=3.20.1`, npm `pkg:npm/%40scope/name@1.0.0`,
 * PyPI with the name normalized (lowercase, `_` → `-`), Go modules by module path (`stdlib` at
 * the Go version without its `go` prefix; a `(devel)` main module without a version), Maven
 * `group:artifact` names, and RPM packages under their distribution's vendor with the epoch as a
 * qualifier. `undefined` when the ecosystem has no purl type here or the package lacks a part its
 * type requires (a Maven name without a group, an RPM package of an unknown distribution).
 */
export function packageUrlOf(pkg: InstalledPackage, os?: OsRelease): string | undefined {
  const [family, release] = splitEcosystem(pkg.ecosystem);
  const key = family.toLowerCase();
  switch (key) {
    case 'debian':
    case 'ubuntu':
      return formatPackageUrl({
        type: 'deb',
        namespace: key,
        name: pkg.name.toLowerCase(),
        version: pkg.version,
        qualifiers: { arch: pkg.arch, distro: distroOf(os, key, release) },
      });
    case 'alpine':
      return formatPackageUrl({
        type: 'apk',
        // Every apk database reads as Alpine; Wolfi and other apk distributions name themselves in os-release.
        namespace: os?.id.toLowerCase() ?? 'alpine',
        name: pkg.name.toLowerCase(),
        version: pkg.version,
        qualifiers: { arch: pkg.arch, distro: os?.versionId ?? release?.replace(/^v/, '') },
      });
    case 'npm': {
      const slash = pkg.name.startsWith('@') ? pkg.name.indexOf('/') : -1;
      return formatPackageUrl({
        type: 'npm',
        ...(slash > 0 ? { namespace: pkg.name.slice(0, slash) } : {}),
        name: slash > 0 ? pkg.name.slice(slash + 1) : pkg.name,
        version: pkg.version,
      });
    }
    case 'pypi':
      return formatPackageUrl({
        type: 'pypi',
        name: pkg.name.toLowerCase().replace(/_/g, '-'),
        version: pkg.version,
      });
    case 'go': {
      // Module paths are case-sensitive (the module proxy escapes capitals), so the case is kept.
      const slash = pkg.name.lastIndexOf('/');
      const version = pkg.name === 'stdlib' ? pkg.version.replace(/^go/, '') : pkg.version;
      return formatPackageUrl({
        type: 'golang',
        ...(slash > 0 ? { namespace: pkg.name.slice(0, slash) } : {}),
        name: slash > 0 ? pkg.name.slice(slash + 1) : pkg.name,
        ...(version === '(devel)' ? {} : { version }),
      });
    }
    case 'maven': {
      const [group, artifact, ...rest] = pkg.name.split(':');
      if (!artifact || rest.length > 0 || !group) return undefined;
      return formatPackageUrl({
        type: 'maven',
        namespace: group,
        name: artifact,
        version: pkg.version,
      });
    }
    case 'crates.io':
      return formatPackageUrl({ type: 'cargo', name: pkg.name, version: pkg.version });
    case 'rubygems':
      return formatPackageUrl({ type: 'gem', name: pkg.name, version: pkg.version });
    case 'nuget':
      return formatPackageUrl({ type: 'nuget', name: pkg.name, version: pkg.version });
    default: {
      if (!(key in RPM_VENDORS)) return undefined;
      const osId = os?.id.toLowerCase();
      const vendor = osId
        ? (OS_ID_VENDORS[osId] ?? (osId.startsWith('opensuse') ? 'opensuse' : osId))
        : RPM_VENDORS[key];
      if (!vendor) return undefined;
      const epoch = /^(\d+):(.*)$/.exec(pkg.version);
      return formatPackageUrl({
        type: 'rpm',
        namespace: vendor,
        name: pkg.name,
        version: epoch ? epoch[2] : pkg.version,
        qualifiers: {
          arch: pkg.arch,
          epoch: epoch?.[1],
          // OSV's RPM release strings (`Red Hat:enterprise_linux:9::appstream`) are no distro name.
          distro: distroOf(os, vendor, undefined),
        },
      });
    }
  }
}

/** Where an image lives, for its `pkg:oci` purl. */
export interface ImageCoordinates {
  /** Repository inside the registry: `library/debian`. */
  repository: string;
  /** `sha256:…` manifest digest. */
  digest: string;
  /** Registry host (and port) the repository is served from, when known: `registry.example.com`. */
  registry?: string;
  tag?: string;
  arch?: string;
}

/**
 * The `pkg:oci` purl of an image: the repository's last segment as the lowercased name, the
 * digest as the version, and `repository_url` only when the registry host is known.
 */
export function imagePackageUrl(image: ImageCoordinates): string {
  const name = image.repository
    .split('/')
    .filter((s) => s !== '')
    .pop();
  if (!name) throw new Error(`repository "${image.repository}" has no name`);
  return formatPackageUrl({
    type: 'oci',
    name: name.toLowerCase(),
    version: image.digest,
    qualifiers: {
      repository_url: image.registry ? `${image.registry}/${image.repository}` : undefined,
      tag: image.tag,
      arch: image.arch,
    },
  });
}

/**
 * A short, stable fingerprint of a package found in an image (ecosystem, name, version, arch and
 * location), so SBOM element ids stay the same for the same inventory.
 */
export function packageFingerprint(pkg: InstalledPackage): string {
  return createHash('sha256')
    .update(JSON.stringify([pkg.ecosystem, pkg.name, pkg.version, pkg.arch ?? '', pkg.location]))
    .digest('hex')
    .slice(0, 16);
}

/** The packages once each: an inventory that lists the same package at the same place twice names it once. */
export function distinctPackages(packages: readonly InstalledPackage[]): InstalledPackage[] {
  const seen = new Set<string>();
  return packages.filter((pkg) => {
    const key = packageFingerprint(pkg);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
