import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BUILTIN_EXTRACTORS } from './builtin-extractors';
import {
  distroEcosystem,
  inventoryOfImage,
  platformManifestsOf,
  type BlobSource,
} from './image-inventory';
import { ScanInputError } from './layer-walker';
import { buildTar, type TarBuilderEntry, ZSTD_LAYER_FIXTURE } from './testing/tar-builder';

const OCI_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const DOCKER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** Blobs in memory, remembering which were opened. */
function blobStore(blobs: Record<string, Buffer>): BlobSource & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    open: async (digest) => {
      opened.push(digest);
      const data = blobs[digest];
      if (!data) throw new Error(`blob ${digest} not found`);
      return Readable.from([data]);
    },
  };
}

const dpkg = (...pkgs: [string, string][]) =>
  pkgs
    .map(
      ([name, version]) => `Package: ${name}\nStatus: install ok installed\nVersion: ${version}\n`,
    )
    .join('\n');

const tgz = (entries: TarBuilderEntry[]) => gzipSync(buildTar(entries));

function manifest(layers: { mediaType: string; digest: string }[]) {
  return {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:c', size: 2 },
    layers: layers.map((l) => ({ ...l, size: 1 })),
  };
}

describe('inventoryOfImage', () => {
  it('returns the packages that survive all layers, labelled with the Debian release', async () => {
    const blobs = blobStore({
      'sha256:a1': tgz([
        { type: 'file', path: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
        { type: 'symlink', path: 'etc/os-release', target: '../usr/lib/os-release' },
        {
          type: 'file',
          path: 'var/lib/dpkg/status',
          content: dpkg(['libc6', '2.36-9'], ['curl', '7.88.1-10']),
        },
      ]),
      'sha256:a2': tgz([
        {
          type: 'file',
          path: 'var/lib/dpkg/status',
          content: dpkg(['libc6', '2.36-9+deb12u7'], ['bash', '5.2.15-2']),
        },
      ]),
    });
    const inventory = await inventoryOfImage(
      manifest([
        { mediaType: OCI_GZIP, digest: 'sha256:a1' },
        { mediaType: DOCKER_GZIP, digest: 'sha256:a2' },
      ]),
      blobs,
      BUILTIN_EXTRACTORS,
    );
    expect(inventory.os).toEqual({ id: 'debian', versionId: '12' });
    expect(inventory.packages.map((p) => [p.ecosystem, p.name, p.version])).toEqual([
      ['Debian:12', 'libc6', '2.36-9+deb12u7'],
      ['Debian:12', 'bash', '5.2.15-2'],
    ]);
    expect(inventory.layers).toBe(2);
    expect(inventory.notes).toEqual([]);
  });

  it('reads an Alpine zstd layer whatever its media type says, labelling packages Alpine:v<major>.<minor>', async () => {
    const inventory = await inventoryOfImage(
      manifest([{ mediaType: OCI_GZIP, digest: 'sha256:z' }]),
      blobStore({ 'sha256:z': Buffer.from(ZSTD_LAYER_FIXTURE, 'base64') }),
      BUILTIN_EXTRACTORS,
    );
    expect(inventory.os?.id).toBe('alpine');
    expect(inventory.packages.map((p) => `${p.ecosystem} ${p.name} ${p.version}`)).toEqual([
      'Alpine:v3.20 musl 1.2.5-r0',
      'Alpine:v3.20 busybox 1.36.1-r29',
    ]);
  });

  it('prefers /etc/os-release to /usr/lib/os-release when both survive', async () => {
    const inventory = await inventoryOfImage(
      manifest([{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: 'sha256:u' }]),
      blobStore({
        'sha256:u': buildTar([
          { type: 'file', path: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID=12\n' },
          { type: 'file', path: 'etc/os-release', content: 'ID=ubuntu\nVERSION_ID="22.04"\n' },
          { type: 'file', path: 'var/lib/dpkg/status', content: dpkg(['bash', '5.1-6ubuntu1']) },
        ]),
      }),
      BUILTIN_EXTRACTORS,
    );
    expect(inventory.os?.id).toBe('ubuntu');
    expect(inventory.packages.map((p) => p.ecosystem)).toEqual(['Ubuntu:22.04']);
  });

  it('skips layers that are not filesystems, and foreign layers, with a note and without opening them', async () => {
    const blobs = blobStore({
      'sha256:ok': tgz([
        { type: 'file', path: 'var/lib/dpkg/status', content: dpkg(['bash', '5.2-2']) },
      ]),
    });
    const inventory = await inventoryOfImage(
      manifest([
        { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: 'sha256:helm' },
        {
          mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
          digest: 'sha256:win',
        },
        { mediaType: OCI_GZIP, digest: 'sha256:ok' },
      ]),
      blobs,
      BUILTIN_EXTRACTORS,
    );
    expect(blobs.opened).toEqual(['sha256:ok']);
    expect(inventory.layers).toBe(1);
    expect(inventory.notes).toEqual([
      'layer 1 (sha256:helm) not scanned: media type "application/vnd.cncf.helm.chart.content.v1.tar+gzip"',
      'layer 2 (sha256:win) not scanned: a foreign (non-distributable) layer',
    ]);
    // No os-release: the analyzer's ecosystem stays.
    expect(inventory.packages.map((p) => p.ecosystem)).toEqual(['Debian']);
  });

  it('reports a package listed twice in one file once, and once more at a hard link to that file', async () => {
    const inventory = await inventoryOfImage(
      manifest([{ mediaType: OCI_GZIP, digest: 'sha256:h' }]),
      blobStore({
        'sha256:h': tgz([
          {
            type: 'file',
            path: 'var/lib/dpkg/status',
            content: dpkg(['bash', '5.2-2'], ['bash', '5.2-2'], ['zlib1g', '1:1.2.13']),
          },
          { type: 'hardlink', path: 'var/lib/dpkg/status.d/bash', target: 'var/lib/dpkg/status' },
        ]),
      }),
      BUILTIN_EXTRACTORS,
    );
    expect(inventory.packages.map((p) => `${p.name} ${p.location}`)).toEqual([
      'bash var/lib/dpkg/status',
      'zlib1g var/lib/dpkg/status',
      'bash var/lib/dpkg/status.d/bash',
      'zlib1g var/lib/dpkg/status.d/bash',
    ]);
  });

  it('rejects what is not an image manifest, and lets a missing blob fail as it does', async () => {
    const blobs = blobStore({});
    await expect(inventoryOfImage('nope', blobs, [])).rejects.toThrow(
      new ScanInputError('the manifest is not a JSON object'),
    );
    await expect(inventoryOfImage({ manifests: [] }, blobs, [])).rejects.toThrow(
      new ScanInputError('this is an image index; scan each of its platform manifests'),
    );
    await expect(
      inventoryOfImage(manifest([{ mediaType: OCI_GZIP, digest: '../../etc/passwd' }]), blobs, []),
    ).rejects.toThrow(new ScanInputError('layer 1 has no valid digest'));
    await expect(
      inventoryOfImage(manifest([{ mediaType: OCI_GZIP, digest: 'sha256:gone' }]), blobs, []),
    ).rejects.toThrow('blob sha256:gone not found');
  });
});

describe('distroEcosystem', () => {
  it('names the Debian major release, the Ubuntu release and the Alpine branch', () => {
    expect(distroEcosystem({ id: 'debian', versionId: '12.7' }, 'Debian')).toBe('Debian:12');
    expect(distroEcosystem({ id: 'ubuntu', versionId: '24.04' }, 'Debian')).toBe('Ubuntu:24.04');
    expect(distroEcosystem({ id: 'alpine', versionId: '3.19.1' }, 'Alpine')).toBe('Alpine:v3.19');
    expect(distroEcosystem({ id: 'debian' }, 'Debian')).toBe('Debian');
    expect(distroEcosystem({ id: 'wolfi', versionId: '20230201' }, 'Alpine')).toBe('Alpine');
    expect(distroEcosystem({ id: 'debian', versionId: '12' }, 'npm')).toBe('npm');
    expect(distroEcosystem(undefined, 'Alpine')).toBe('Alpine');
    expect(distroEcosystem({ id: 'rocky', versionId: '9.3' }, 'rpm')).toBe('Rocky Linux:9');
    expect(distroEcosystem({ id: 'rhel', versionId: '9.4' }, 'rpm')).toBe('Red Hat:9');
    expect(distroEcosystem({ id: 'almalinux', versionId: '8.10' }, 'rpm')).toBe('AlmaLinux:8');
    expect(distroEcosystem({ id: 'fedora', versionId: '40' }, 'rpm')).toBe('rpm');
  });
});

describe('platformManifestsOf', () => {
  const entry = (digest: string, platform: object, annotations?: object) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest,
    size: 1,
    platform,
    ...(annotations ? { annotations } : {}),
  });

  it('lists runnable platforms, leaving out attestations and unknown/unknown', () => {
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        entry('sha256:amd', { os: 'linux', architecture: 'amd64' }),
        entry('sha256:arm', { os: 'linux', architecture: 'arm', variant: 'v7' }),
        entry(
          'sha256:att',
          { os: 'unknown', architecture: 'unknown' },
          {
            'vnd.docker.reference.type': 'attestation-manifest',
            'vnd.docker.reference.digest': 'sha256:amd',
          },
        ),
        entry('sha256:unk', { os: 'unknown', architecture: 'unknown' }),
      ],
    };
    expect(platformManifestsOf(index)).toEqual([
      { digest: 'sha256:amd', platform: { os: 'linux', architecture: 'amd64' } },
      { digest: 'sha256:arm', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    ]);
  });

  it('fails at once on an index with more entries than the limit', () => {
    let touched = 0;
    const manifests = new Proxy(
      Array.from({ length: 10_000 }, (_, i) =>
        entry(`sha256:${i}`, { os: 'linux', architecture: 'amd64' }),
      ),
      {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) touched++;
          return Reflect.get(target, key, receiver);
        },
      },
    );
    expect(() => platformManifestsOf({ manifests })).toThrow(
      new ScanInputError('the image index lists 10000 manifests; at most 64 are scanned'),
    );
    expect(touched).toBe(0);
    expect(platformManifestsOf({ manifests: manifests.slice(0, 3) }, 3)).toHaveLength(3);
  });
});
