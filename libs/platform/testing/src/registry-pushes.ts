import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST, tarOneFile } from './oci-layout';
import { sha256, type RegistryHttp } from './oci-tools';

/** A gzip layer holding these files (a tar of one-file archives, end markers but the last cut). */
export function gzipLayerOf(files: Record<string, string | Buffer>): Buffer {
  const parts = Object.entries(files).map(([name, content], i, all) => {
    const tar = tarOneFile(name, Buffer.isBuffer(content) ? content : Buffer.from(content));
    return i === all.length - 1 ? tar : tar.subarray(0, tar.length - 1024);
  });
  return gzipSync(Buffer.concat(parts));
}

/** Uploads a blob monolithically (POST with `digest`); throws unless the registry answers 201. */
export async function pushBlob(
  registry: RegistryHttp,
  repo: string,
  blob: Buffer,
): Promise<string> {
  const digest = sha256(blob);
  const res = await registry.fetch(
    `/v2/${repo}/blobs/uploads/?digest=${digest}`,
    `repository:${repo}:pull,push`,
    { method: 'POST', body: blob },
  );
  if (res.status !== 201)
    throw new Error(`blob upload to ${repo} answered ${res.status}: ${await res.text()}`);
  return digest;
}

/** PUTs a manifest under `ref`; throws unless the registry answers 201. */
export async function pushManifest(
  registry: RegistryHttp,
  repo: string,
  ref: string,
  mediaType: string,
  body: string,
): Promise<{ digest: string; size: number }> {
  const res = await registry.fetch(`/v2/${repo}/manifests/${ref}`, `repository:${repo}:pull,push`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body,
  });
  if (res.status !== 201)
    throw new Error(`manifest PUT ${repo}:${ref} answered ${res.status}: ${await res.text()}`);
  return { digest: sha256(body), size: Buffer.byteLength(body) };
}

export interface ImageLayer {
  data: Buffer;
  /** Default: gzip OCI layer. */
  mediaType?: string;
}

/**
 * Pushes an OCI image of these layers (each blob uploaded once, however often the manifest
 * lists it) with a fresh config, so every push is a new artifact; returns its digest and size.
 */
export async function pushImage(
  registry: RegistryHttp,
  repo: string,
  tag: string,
  layers: ImageLayer[],
  opts: { architecture?: string } = {},
): Promise<{ digest: string; size: number }> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: opts.architecture ?? 'amd64',
      os: 'linux',
      rootfs: { type: 'layers' },
      n: randomUUID(),
    }),
  );
  await pushBlob(registry, repo, config);
  const uploaded = new Set<Buffer>();
  for (const layer of layers) {
    if (uploaded.has(layer.data)) continue;
    uploaded.add(layer.data);
    await pushBlob(registry, repo, layer.data);
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
    layers: layers.map((l) => ({
      mediaType: l.mediaType ?? OCI_LAYER_GZIP,
      digest: sha256(l.data),
      size: l.data.length,
    })),
  });
  return pushManifest(registry, repo, tag, OCI_MANIFEST, manifest);
}

export interface ApiCallOptions {
  auth?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A caller of Berth's `/api/v2.0` at `apiUrl`: JSON bodies, `auth` as the Authorization header. */
export function harborApi(
  apiUrl: () => string,
  defaults: { auth?: string } = {},
): (method: string, path: string, opts?: ApiCallOptions) => Promise<Response> {
  return (method, path, opts = {}) => {
    const auth = opts.auth ?? defaults.auth;
    return fetch(`${apiUrl()}/api/v2.0${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: auth } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  };
}
