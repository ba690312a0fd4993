import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { BlobSource } from '../layers/image-inventory';

/** A pull that failed: the registry refused, answered nonsense or sent other bytes. */
export class RegistryPullError extends Error {}

/** Where to pull from and as whom (the scan request's `registry`). */
export interface PullTarget {
  /** The registry's base URL, e.g. `https://registry.example`; `/v2/…` is appended. */
  registryUrl: URL;
  /** `Basic …` or `Bearer …`, as the scan request gave it; absent for anonymous pulls. */
  authorization?: string;
  repository: string;
}

/** Bounds on one pull. */
export interface PullOptions {
  signal?: AbortSignal;
  /** Largest manifest read (default 4 MiB, the registry's own limit). */
  maxManifestBytes?: number;
  fetch?: typeof fetch;
}

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
const DEFAULT_MAX_MANIFEST = 4 * 1024 * 1024;

/**
 * Pulls one image over the OCI distribution API the way a client does: answers a Bearer
 * challenge by exchanging the given Basic credentials at the token realm for a pull token of
 * the repository (a Bearer authorization is sent as it is), reads the manifest by digest and
 * streams blobs, checking every byte against its digest.
 */
export class RegistryPuller implements BlobSource {
  private authorization: string | undefined;
  private exchanged = false;
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(
    private readonly target: PullTarget,
    private readonly options: PullOptions = {},
  ) {
    this.authorization = target.authorization;
    this.base = target.registryUrl.href.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? fetch;
  }

  /** The manifest of `digest`, parsed, after its bytes were checked against the digest. */
  async manifest(digest: string): Promise<unknown> {
    const res = await this.get(`manifests/${digest}`, { accept: MANIFEST_ACCEPT });
    const limit = this.options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST;
    const bytes = await readLimited(res, limit);
    if (digestOf(digest, bytes) !== digest)
      throw new RegistryPullError(`the registry sent a manifest that does not match ${digest}`);
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch {
      throw new RegistryPullError(`manifest ${digest} is not JSON`);
    }
  }

  /** A blob's bytes as a stream that fails at its end when they do not match the digest. */
  async open(digest: string): Promise<Readable> {
    const res = await this.get(`blobs/${digest}`, {});
    if (!res.body) throw new RegistryPullError(`blob ${digest} came without a body`);
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    const check = new DigestCheck(digest);
    body.once('error', (e) => check.destroy(e));
    check.once('close', () => body.destroy());
    return body.pipe(check);
  }

  private async get(path: string, headers: Record<string, string>): Promise<Response> {
    const url = `${this.base}/v2/${this.target.repository}/${path}`;
    for (;;) {
      const res = await this.fetchFn(url, {
        headers: {
          ...headers,
          ...(this.authorization !== undefined && { authorization: this.authorization }),
        },
        redirect: 'follow',
        signal: this.options.signal,
      });
      if (res.status === 401 && !this.exchanged) {
        await res.body?.cancel();
        this.exchanged = true;
        const answer = await this.answerChallenge(res.headers.get('www-authenticate') ?? '');
        if (answer !== undefined) {
          this.authorization = answer;
          continue;
        }
        throw new RegistryPullError(`the registry refused ${path.split('/', 1)[0]} (401)`);
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new RegistryPullError(
          `the registry answered ${res.status} for ${path.slice(0, 200)} in ${this.target.repository}`,
        );
      }
      return res;
    }
  }

  /** A Bearer token for the challenge, got with the Basic credentials; undefined if none can be. */
  private async answerChallenge(challenge: string): Promise<string | undefined> {
    const given = this.target.authorization;
    if (!/^bearer\s/i.test(challenge)) return undefined;
    // A Bearer authorization that was refused is not retried; Basic ones are exchanged.
    if (given !== undefined && !/^basic\s/i.test(given)) return undefined;
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1].toLowerCase(), m[2]]),
    );
    let realm: URL;
    try {
      realm = new URL(params.realm ?? '');
    } catch {
      throw new RegistryPullError('the registry named no usable token realm');
    }
    if (realm.protocol !== 'http:' && realm.protocol !== 'https:')
      throw new RegistryPullError('the token realm is not an http(s) URL');
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', `repository:${this.target.repository}:pull`);
    const res = await this.fetchFn(realm, {
      headers: given !== undefined ? { authorization: given } : {},
      signal: this.options.signal,
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryPullError(`the token service refused the credentials (${res.status})`);
    }
    const body = (await res.json().catch(() => ({}))) as {
      token?: unknown;
      access_token?: unknown;
    };
    const token = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '')
      throw new RegistryPullError('the token service answered without a token');
    return `Bearer ${token}`;
  }
}

/** The digest of `bytes` in the algorithm `like` names (sha256 or sha512). */
function digestOf(like: string, bytes: Buffer): string {
  const algorithm = like.slice(0, like.indexOf(':'));
  if (algorithm !== 'sha256' && algorithm !== 'sha512')
    throw new RegistryPullError(`digest algorithm ${algorithm.slice(0, 32)} is not supported`);
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

async function readLimited(res: Response, limit: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await res.body?.cancel();
    throw new RegistryPullError(`the manifest is larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) throw new RegistryPullError(`the manifest is larger than ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Passes bytes through and fails at the end when they do not hash to the digest. */
class DigestCheck extends Transform {
  private readonly hash;
  private readonly algorithm: string;

  constructor(private readonly digest: string) {
    super();
    this.algorithm = digest.slice(0, digest.indexOf(':'));
    if (this.algorithm !== 'sha256' && this.algorithm !== 'sha512')
      throw new RegistryPullError(
        `digest algorithm ${this.algorithm.slice(0, 32)} is not supported`,
      );
    this.hash = createHash(this.algorithm);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const got = `${this.algorithm}:${this.hash.digest('hex')}`;
    done(
      got === this.digest ? null : new RegistryPullError(`blob ${this.digest} arrived as ${got}`),
    );
  }
}
