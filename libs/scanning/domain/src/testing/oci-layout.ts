import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import {
  paxRecord,
  TAR_END,
  tarHeader,
  tarPadding,
  type TarHeaderFields,
} from '../layers/testing/tar-builder';

/** OCI media types of the image parts this writer produces. */
export const OCI_IMAGE_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';

/** What a regular file of a layer holds: literal bytes, a file on this machine, or generated chunks. */
export type FileBody =
  | string
  | Buffer
  | { fromDisk: string }
  | { size: number; chunks: () => Iterable<Buffer> | AsyncIterable<Buffer> };

/** One entry of a layer; paths are relative to the image root (`usr/bin/x`). */
export type LayerEntry =
  | { kind: 'file'; path: string; body: FileBody; mode?: number }
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'hardlink'; path: string; target: string }
  /** Deletes `path` (file or directory) of lower layers: a `.wh.<name>` entry. */
  | { kind: 'whiteout'; path: string }
  /** Hides everything lower layers hold under directory `path`: a `.wh..wh..opq` entry. */
  | { kind: 'opaque'; path: string };

export type LayerCompression = 'gzip' | 'zstd' | 'none';

/** A layer to write: its entries are consumed once, in order, while the blob is streamed to disk. */
export interface LayerSpec {
  compression: LayerCompression;
  entries: Iterable<LayerEntry> | AsyncIterable<LayerEntry>;
  /** gzip level; 1 is enough for incompressible content. */
  gzipLevel?: number;
  /** Recorded as the layer's `created_by` in the image config history. */
  createdBy?: string;
}

/** A blob written into the layout. */
export interface WrittenLayer {
  mediaType: string;
  digest: string;
  size: number;
  /** sha256 of the uncompressed tar (the config's `rootfs.diff_ids`). */
  diffId: string;
  uncompressedSize: number;
}

/** An image written as an OCI image layout directory. */
export interface OciImageLayout {
  dir: string;
  manifest: OciManifest;
  manifestDigest: string;
  layers: WrittenLayer[];
  /** Bytes of manifest, config and layer blobs. */
  size: number;
}

/** The parts of an OCI image manifest this writer fills in. */
export interface OciManifest {
  schemaVersion: 2;
  mediaType: string;
  config: { mediaType: string; digest: string; size: number };
  layers: Array<{ mediaType: string; digest: string; size: number }>;
}

/** Creation time written into image configs, so equal inputs give equal digests. */
const CREATED = '2024-01-01T00:00:00Z';

/** Normalizes an image path: no leading `/` or `./`, no trailing `/`. */
function clean(p: string): string {
  const out = p.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
  if (out === '' || out.split('/').includes('..'))
    throw new Error(`layer entry path ${JSON.stringify(p)} is empty or climbs with ".."`);
  return out;
}

const fitsUstar = (s: string): boolean => Buffer.byteLength(s) <= 100 && /^[\x20-\x7e]*$/.test(s);
const MAX_OCTAL_SIZE = 0o77777777777;

/** Header blocks for one entry: a PAX `x` record first when a name or the size does not fit ustar. */
function headerBlocks(h: TarHeaderFields & { size: number }): Buffer[] {
  const pax: Record<string, string> = {};
  if (!fitsUstar(h.name)) pax.path = h.name;
  if (h.linkName !== undefined && !fitsUstar(h.linkName)) pax.linkpath = h.linkName;
  if (h.size > MAX_OCTAL_SIZE) pax.size = String(h.size);
  const main = tarHeader({
    ...h,
    name: pax.path ? h.name.slice(-90).replace(/[^\x20-\x7e]/g, '_') : h.name,
    linkName: pax.linkpath ? h.linkName!.slice(-90).replace(/[^\x20-\x7e]/g, '_') : h.linkName,
    size: pax.size ? 0 : h.size,
  });
  return Object.keys(pax).length === 0 ? [main] : [paxRecord(pax), main];
}

async function* fileChunks(body: FileBody): AsyncGenerator<Buffer> {
  if (typeof body === 'string') yield Buffer.from(body, 'utf8');
  else if (Buffer.isBuffer(body)) yield body;
  else if ('fromDisk' in body)
    for await (const chunk of fs.createReadStream(body.fromDisk, { highWaterMark: 1 << 20 }))
      yield chunk as Buffer;
  else yield* body.chunks();
}

async function fileSize(body: FileBody): Promise<number> {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (Buffer.isBuffer(body)) return body.length;
  if ('fromDisk' in body) return (await fs.promises.stat(body.fromDisk)).size;
  return body.size;
}

/**
 * The bytes of a tar archive holding `entries`, as a stream of chunks: parent directories are
 * added once when missing, long names get PAX headers, file bodies are streamed, never held whole.
 */
export async function* tarChunks(
  entries: Iterable<LayerEntry> | AsyncIterable<LayerEntry>,
): AsyncGenerator<Buffer> {
  const dirs = new Set<string>();
  function* parents(p: string): Generator<Buffer> {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      yield* headerBlocks({ name: `${dir}/`, mode: 0o755, size: 0, type: '5' });
    }
  }
  for await (const entry of entries) {
    const p = clean(entry.path);
    yield* parents(p);
    switch (entry.kind) {
      case 'dir':
        if (!dirs.has(p)) {
          dirs.add(p);
          yield* headerBlocks({ name: `${p}/`, mode: entry.mode ?? 0o755, size: 0, type: '5' });
        }
        break;
      case 'symlink':
      case 'hardlink':
        yield* headerBlocks({
          name: p,
          mode: 0o777,
          size: 0,
          type: entry.kind === 'symlink' ? '2' : '1',
          linkName: entry.kind === 'hardlink' ? clean(entry.target) : entry.target,
        });
        break;
      case 'whiteout':
        yield* headerBlocks({
          name: path.posix.join(path.posix.dirname(p), `.wh.${path.posix.basename(p)}`),
          mode: 0o644,
          size: 0,
          type: '0',
        });
        break;
      case 'opaque':
        if (!dirs.has(p)) {
          dirs.add(p);
          yield* headerBlocks({ name: `${p}/`, mode: 0o755, size: 0, type: '5' });
        }
        yield* headerBlocks({ name: `${p}/.wh..wh..opq`, mode: 0o644, size: 0, type: '0' });
        break;
      case 'file': {
        const size = await fileSize(entry.body);
        yield* headerBlocks({ name: p, mode: entry.mode ?? 0o644, size, type: '0' });
        let written = 0;
        for await (const chunk of fileChunks(entry.body)) {
          written += chunk.length;
          if (written > size) break;
          yield chunk;
        }
        if (written !== size)
          throw new Error(`layer file ${p}: declared ${size} bytes, its source gave ${written}`);
        yield tarPadding(size);
        break;
      }
    }
  }
  yield TAR_END;
}

/** A pass-through stream that hashes (sha256) and counts what flows through it. */
class DigestCounter extends Transform {
  private readonly hash = crypto.createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

interface Compressor {
  input: Writable;
  output: Readable;
  /** Settles when the compressor is done (a child process exited cleanly). */
  done: Promise<void>;
}

type ZstdFactory = () => Transform;

/** Node's own zstd encoder (Node ≥ 22.15), when this runtime has one. */
function nodeZstd(): ZstdFactory | undefined {
  const create = (zlib as unknown as Record<string, unknown>).createZstdCompress;
  return typeof create === 'function' ? () => (create as () => Transform)() : undefined;
}

let zstdCli: boolean | undefined;

/** Whether this machine can write zstd layers (Node's encoder or the `zstd` command). */
export function zstdAvailable(): boolean {
  if (nodeZstd()) return true;
  zstdCli ??= spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status === 0;
  return zstdCli;
}

function compressor(kind: LayerCompression, gzipLevel: number): Compressor {
  if (kind === 'none') {
    const p = new PassThrough();
    return { input: p, output: p, done: Promise.resolve() };
  }
  if (kind === 'gzip') {
    const z = zlib.createGzip({ level: gzipLevel });
    return { input: z, output: z, done: Promise.resolve() };
  }
  const native = nodeZstd();
  if (native) {
    const z = native();
    return { input: z, output: z, done: Promise.resolve() };
  }
  if (!zstdAvailable())
    throw new Error(
      'cannot write a zstd layer: no zstd encoder (Node < 22.15 and no zstd command)',
    );
  const child = spawn('zstd', ['-q', '-c', '-3'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`zstd exited with ${code}: ${stderr.trim()}`)),
    );
  });
  return { input: child.stdin, output: child.stdout, done };
}

const MEDIA_TYPES: Record<LayerCompression, string> = {
  gzip: OCI_LAYER_GZIP,
  zstd: OCI_LAYER_ZSTD,
  none: OCI_LAYER_TAR,
};

function blobPath(dir: string, digest: string): string {
  const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
  if (!m) throw new Error(`not a sha256 digest: ${JSON.stringify(digest)}`);
  return path.join(dir, 'blobs', 'sha256', m[1]);
}

/** Streams one layer to `blobs/sha256/<digest>`, hashing the tar and the compressed bytes on the way. */
async function writeLayer(dir: string, spec: LayerSpec): Promise<WrittenLayer> {
  const tmp = path.join(dir, 'blobs', 'sha256', `.partial-${crypto.randomUUID()}`);
  const tar = new DigestCounter();
  const blob = new DigestCounter();
  const c = compressor(spec.compression, spec.gzipLevel ?? 6);
  try {
    await Promise.all([
      pipeline(Readable.from(tarChunks(spec.entries), { objectMode: false }), tar, c.input),
      pipeline(c.output, blob, fs.createWriteStream(tmp)),
      c.done,
    ]);
    const digest = blob.digest();
    await fs.promises.rename(tmp, blobPath(dir, digest));
    return {
      mediaType: MEDIA_TYPES[spec.compression],
      digest,
      size: blob.bytes,
      diffId: tar.digest(),
      uncompressedSize: tar.bytes,
    };
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

async function writeBlob(dir: string, bytes: Buffer): Promise<string> {
  const digest = `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
  await fs.promises.writeFile(blobPath(dir, digest), bytes);
  return digest;
}

/**
 * Writes a single-image OCI image layout into `dir` (created; must not hold another layout):
 * `oci-layout`, `index.json` (one manifest, tagged `refName`), `blobs/sha256/…`. Layers are
 * streamed to disk one after the other, so an image of any size costs little memory.
 */
export async function writeOciImage(
  dir: string,
  layers: LayerSpec[],
  options: { refName?: string; architecture?: string; os?: string } = {},
): Promise<OciImageLayout> {
  await fs.promises.mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const written: WrittenLayer[] = [];
  for (const spec of layers) written.push(await writeLayer(dir, spec));
  const config = Buffer.from(
    JSON.stringify({
      architecture: options.architecture ?? 'amd64',
      os: options.os ?? 'linux',
      created: CREATED,
      config: {},
      rootfs: { type: 'layers', diff_ids: written.map((l) => l.diffId) },
      history: layers.map((l) => ({
        created: CREATED,
        created_by: l.createdBy ?? `layer (${l.compression})`,
      })),
    }),
  );
  const configDigest = await writeBlob(dir, config);
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    config: { mediaType: OCI_IMAGE_CONFIG, digest: configDigest, size: config.length },
    layers: written.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = await writeBlob(dir, manifestBytes);
  await fs.promises.writeFile(
    path.join(dir, 'oci-layout'),
    JSON.stringify({ imageLayoutVersion: '1.0.0' }),
  );
  await fs.promises.writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      manifests: [
        {
          mediaType: OCI_IMAGE_MANIFEST,
          digest: manifestDigest,
          size: manifestBytes.length,
          annotations: { 'org.opencontainers.image.ref.name': options.refName ?? 'latest' },
        },
      ],
    }),
  );
  return {
    dir,
    manifest,
    manifestDigest,
    layers: written,
    size: manifestBytes.length + config.length + written.reduce((n, l) => n + l.size, 0),
  };
}

/** Reads back the image of a layout written by `writeOciImage` (its first manifest). */
export async function readOciImage(dir: string): Promise<OciImageLayout> {
  const index = JSON.parse(await fs.promises.readFile(path.join(dir, 'index.json'), 'utf8')) as {
    manifests?: Array<{ digest: string; mediaType?: string }>;
  };
  const first = index.manifests?.[0];
  if (!first) throw new Error(`${dir}/index.json lists no manifest`);
  const bytes = await fs.promises.readFile(blobPath(dir, first.digest));
  const manifest = JSON.parse(bytes.toString('utf8')) as OciManifest;
  const config = JSON.parse(
    await fs.promises.readFile(blobPath(dir, manifest.config.digest), 'utf8'),
  ) as { rootfs?: { diff_ids?: string[] } };
  const diffIds = config.rootfs?.diff_ids ?? [];
  const layers = manifest.layers.map((l, i) => ({
    ...l,
    diffId: diffIds[i] ?? '',
    uncompressedSize: -1,
  }));
  return {
    dir,
    manifest,
    manifestDigest: first.digest,
    layers,
    size: bytes.length + manifest.config.size + layers.reduce((n, l) => n + l.size, 0),
  };
}

/** Opens blobs of an image layout by digest: the `BlobSource` the image inventory reads layers from. */
export function ociLayoutBlobs(dir: string): { open(digest: string): Promise<Readable> } {
  return {
    async open(digest: string): Promise<Readable> {
      const file = blobPath(dir, digest);
      await fs.promises.access(file, fs.constants.R_OK);
      return fs.createReadStream(file, { highWaterMark: 1 << 20 });
    },
  };
}
