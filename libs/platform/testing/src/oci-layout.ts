import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { sha256 } from './oci-tools';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface OciLayoutOptions {
  /** Tag recorded as org.opencontainers.image.ref.name in index.json (default `latest`). */
  tag?: string;
  /** Platforms, one image manifest each (default linux/amd64 and linux/arm64). If one only, no index. */
  platforms?: { architecture: string; os: string; variant?: string }[];
  /** Layers per image (default 3). */
  layers?: number;
  /** Random bytes in each layer's one file (default 32 KiB; incompressible). */
  layerBytes?: number;
}

export interface OciLayout {
  dir: string;
  tag: string;
  /** Digest of what the tag points at: the image index (or the manifest when there is one platform). */
  digest: string;
  mediaType: string;
  manifests: Descriptor[];
  /** Every blob digest in the layout (configs and layers). */
  blobs: string[];
}

/** A one-file POSIX ustar archive. */
export function tarOneFile(name: string, data: Buffer, mtime = 0): Buffer {
  const header = Buffer.alloc(512);
  const put = (s: string, off: number, len: number): void => {
    header.write(s, off, Math.min(Buffer.byteLength(s), len), 'utf8');
  };
  const octal = (n: number, len: number): string => n.toString(8).padStart(len - 1, '0');
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(data.length, 12), 124, 12);
  put(octal(mtime, 12), 136, 12);
  header.fill(' ', 148, 156);
  put('0', 156, 1);
  put('ustar\u000000', 257, 8);
  let sum = 0;
  for (const b of header) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, pad, Buffer.alloc(1024)]);
}

const writeBlob = (dir: string, data: Buffer | string): string => {
  const digest = sha256(data);
  const file = path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return digest;
};

/**
 * Writes an OCI image layout (image-spec v1.1) into dir: per platform a config and random,
 * gzip-compressed layer tarballs, one image manifest each, and an image index over them,
 * tagged in index.json. Everything is random, so each call yields fresh digests.
 */
export function writeOciLayout(dir: string, opts: OciLayoutOptions = {}): OciLayout {
  const tag = opts.tag ?? 'latest';
  const platforms = opts.platforms ?? [
    { architecture: 'amd64', os: 'linux' },
    { architecture: 'arm64', os: 'linux', variant: 'v8' },
  ];
  const layerCount = opts.layers ?? 3;
  const layerBytes = opts.layerBytes ?? 32 * 1024;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));

  const blobs: string[] = [];
  const manifests: Descriptor[] = platforms.map((platform, p) => {
    const layers: Descriptor[] = [];
    const diffIds: string[] = [];
    for (let i = 0; i < layerCount; i++) {
      const tar = tarOneFile(`layer-${p}-${i}.bin`, crypto.randomBytes(layerBytes));
      const gz = zlib.gzipSync(tar);
      diffIds.push(sha256(tar));
      layers.push({ mediaType: OCI_LAYER_GZIP, digest: writeBlob(dir, gz), size: gz.length });
    }
    const config = Buffer.from(
      JSON.stringify({
        created: '2024-01-01T00:00:00Z',
        architecture: platform.architecture,
        os: platform.os,
        ...(platform.variant ? { variant: platform.variant } : {}),
        config: { Env: ['PATH=/usr/bin:/bin'], Labels: { 'berth.test': crypto.randomUUID() } },
        rootfs: { type: 'layers', diff_ids: diffIds },
        history: diffIds.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'berth test' })),
      }),
    );
    const configDesc = {
      mediaType: OCI_CONFIG,
      digest: writeBlob(dir, config),
      size: config.length,
    };
    blobs.push(configDesc.digest, ...layers.map((l) => l.digest));
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: configDesc, layers }),
    );
    return {
      mediaType: OCI_MANIFEST,
      digest: writeBlob(dir, manifest),
      size: manifest.length,
      platform,
    };
  });

  let top: Descriptor;
  if (manifests.length === 1) {
    top = { ...manifests[0] };
    delete top.platform;
  } else {
    const index = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }),
    );
    top = { mediaType: OCI_INDEX, digest: writeBlob(dir, index), size: index.length };
  }
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ ...top, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return { dir, tag, digest: top.digest, mediaType: top.mediaType, manifests, blobs };
}

/** What a tag points at in an OCI layout's index.json, with the children of an image index. */
export function readOciLayout(
  dir: string,
  tag: string,
): { digest: string; mediaType: string; manifests: Descriptor[] } {
  const top = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as {
    manifests: Descriptor[];
  };
  const entry = top.manifests.find(
    (m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag,
  );
  if (!entry) throw new Error(`no tag ${tag} in ${dir}/index.json`);
  let manifests: Descriptor[] = [];
  if (entry.mediaType === OCI_INDEX) {
    const blob = fs.readFileSync(path.join(dir, 'blobs', 'sha256', entry.digest.slice(7)));
    if (sha256(blob) !== entry.digest) throw new Error(`blob ${entry.digest} corrupt in ${dir}`);
    manifests = (JSON.parse(blob.toString('utf8')) as { manifests: Descriptor[] }).manifests;
  }
  return { digest: entry.digest, mediaType: entry.mediaType, manifests };
}
