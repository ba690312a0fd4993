import type { Readable } from 'node:stream';
import type { InstalledPackage } from '../analyzers/installed-package';
import type { OsRelease } from '../analyzers/os-release.analyzer';
import type { FileExtractor } from './file-extractor';
import {
  DEFAULT_WALK_LIMITS,
  ScanInputError,
  walkLayers,
  type LayerBlob,
  type WalkOptions,
} from './layer-walker';

/** Where the scanner reads blobs from; `open` may throw when the blob is missing. */
export interface BlobSource {
  open(digest: string): Promise<Readable>;
}

/** The packages installed in an image, and the OS they were built for. */
export interface ImageInventory {
  os?: OsRelease;
  packages: InstalledPackage[];
  /** Layers walked (layers of other media types are left out and noted). */
  layers: number;
  /** What could not be read, for the scan report. */
  notes: string[];
}

/** Layer media types whose content is a filesystem tar, plain or compressed. */
export const SCANNED_LAYER_MEDIA_TYPES: readonly string[] = [
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
];

const INDEX_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];
const IMAGE_MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
/** os-release locations in the order they are believed: `/etc` overrides `/usr/lib`. */
const OS_RELEASE_PREFERENCE = ['etc/os-release', 'usr/lib/os-release'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isForeign(mediaType: string): boolean {
  return mediaType.includes('nondistributable') || mediaType.includes('foreign');
}

/**
 * The OSV ecosystem of an OS package given the image's os-release: `Debian:12`, `Ubuntu:22.04`,
 * `Alpine:v3.20`. Packages of another distribution, or an unknown one, keep the analyzer's.
 */
export function distroEcosystem(os: OsRelease | undefined, ecosystem: string): string {
  const version = os?.versionId;
  if (!os || !version) return ecosystem;
  if (ecosystem === 'Debian' && os.id === 'debian') {
    const dot = version.indexOf('.');
    return `Debian:${dot < 0 ? version : version.slice(0, dot)}`;
  }
  if (ecosystem === 'Debian' && os.id === 'ubuntu') return `Ubuntu:${version}`;
  if (ecosystem === 'Alpine' && os.id === 'alpine') {
    const m = /^(\d+)\.(\d+)/.exec(version);
    if (m) return `Alpine:v${m[1]}.${m[2]}`;
  }
  if (ecosystem === 'rpm') {
    const major = /^\d+/.exec(version)?.[0];
    const family = RPM_DISTRIBUTIONS[os.id];
    if (family && major) return `${family}:${major}`;
    if (os.id === 'opensuse-leap') return `openSUSE:Leap ${version}`;
    if (os.id === 'sles') return `SUSE:Linux Enterprise Server ${version}`;
  }
  return ecosystem;
}

/** OSV's ecosystem names for rpm distributions, by os-release `ID`. */
const RPM_DISTRIBUTIONS: Record<string, string> = {
  rhel: 'Red Hat',
  rocky: 'Rocky Linux',
  almalinux: 'AlmaLinux',
};

/**
 * Builds the package inventory of one image manifest (OCI or Docker v2): walks its filesystem
 * layers with the given extractors and returns the packages that survive in the final image,
 * OS packages labelled with their distribution release. Hostile or corrupt input fails with
 * `ScanInputError`; a blob that cannot be opened fails with the blob source's error.
 */
export async function inventoryOfImage(
  manifest: unknown,
  blobs: BlobSource,
  extractors: readonly FileExtractor[],
  options: WalkOptions = {},
): Promise<ImageInventory> {
  if (!isObject(manifest)) throw new ScanInputError('the manifest is not a JSON object');
  if (
    Array.isArray(manifest.manifests) ||
    (typeof manifest.mediaType === 'string' && INDEX_MEDIA_TYPES.includes(manifest.mediaType))
  ) {
    throw new ScanInputError('this is an image index; scan each of its platform manifests');
  }
  if (!Array.isArray(manifest.layers)) throw new ScanInputError('the manifest has no layers');
  const maxLayers = options.maxLayers ?? DEFAULT_WALK_LIMITS.maxLayers;
  if (manifest.layers.length > maxLayers) {
    throw new ScanInputError(
      `the image has ${manifest.layers.length} layers; at most ${maxLayers} are scanned`,
    );
  }

  const notes: string[] = [];
  const layers: LayerBlob[] = [];
  for (const [index, layer] of manifest.layers.entries()) {
    const mediaType = isObject(layer) ? layer.mediaType : undefined;
    const digest = isObject(layer) ? layer.digest : undefined;
    if (typeof digest !== 'string' || !DIGEST.test(digest)) {
      throw new ScanInputError(`layer ${index + 1} has no valid digest`);
    }
    if (typeof mediaType !== 'string' || !SCANNED_LAYER_MEDIA_TYPES.includes(mediaType)) {
      const kind =
        typeof mediaType === 'string' && isForeign(mediaType)
          ? 'a foreign (non-distributable) layer'
          : `media type ${JSON.stringify(mediaType ?? null)}`;
      notes.push(`layer ${index + 1} (${digest}) not scanned: ${kind}`);
      continue;
    }
    layers.push({ digest, open: () => blobs.open(digest) });
  }

  const walked = await walkLayers(layers, extractors, options);
  const findings = walked.findings;
  const os =
    OS_RELEASE_PREFERENCE.map((p) => findings.get(p)?.osRelease).find((o) => o) ??
    [...findings.keys()]
      .sort()
      .map((p) => findings.get(p)?.osRelease)
      .find((o) => o);

  const seen = new Set<string>();
  const packages: InstalledPackage[] = [];
  for (const path of [...findings.keys()].sort()) {
    for (const found of findings.get(path)?.packages ?? []) {
      const ecosystem = distroEcosystem(os, found.ecosystem);
      const key = `${ecosystem}\0${found.name}\0${found.version}\0${found.location}`;
      if (seen.has(key)) continue;
      seen.add(key);
      packages.push(ecosystem === found.ecosystem ? found : { ...found, ecosystem });
    }
  }
  return {
    ...(os ? { os } : {}),
    packages,
    layers: walked.layers,
    notes: [...notes, ...walked.notes],
  };
}

/** One runnable image of an index. */
export interface PlatformManifest {
  digest: string;
  platform: { os: string; architecture: string; variant?: string };
}

/**
 * The per-platform image manifests of an image index, leaving out attestation manifests
 * (buildx marks them `vnd.docker.reference.type: attestation-manifest`) and `unknown/unknown`
 * entries. An index of more than `limit` entries fails with `ScanInputError` before any is read.
 */
export function platformManifestsOf(index: unknown, limit = 64): PlatformManifest[] {
  if (!isObject(index) || !Array.isArray(index.manifests)) {
    throw new ScanInputError('the image index has no manifests list');
  }
  if (index.manifests.length > limit) {
    throw new ScanInputError(
      `the image index lists ${index.manifests.length} manifests; at most ${limit} are scanned`,
    );
  }
  const out: PlatformManifest[] = [];
  for (const entry of index.manifests) {
    if (!isObject(entry) || typeof entry.digest !== 'string' || !DIGEST.test(entry.digest)) {
      continue;
    }
    if (
      typeof entry.mediaType === 'string' &&
      !IMAGE_MANIFEST_MEDIA_TYPES.includes(entry.mediaType)
    ) {
      continue;
    }
    const annotations = isObject(entry.annotations) ? entry.annotations : {};
    if (annotations['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    const platform = isObject(entry.platform) ? entry.platform : undefined;
    const os = platform?.os;
    const architecture = platform?.architecture;
    if (typeof os !== 'string' || typeof architecture !== 'string') continue;
    if (os === 'unknown' || architecture === 'unknown') continue;
    const variant = typeof platform?.variant === 'string' ? platform.variant : undefined;
    out.push({
      digest: entry.digest,
      platform: { os, architecture, ...(variant ? { variant } : {}) },
    });
  }
  return out;
}
