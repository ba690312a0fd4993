import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupAddress } from 'node:dns';
import { checkWebhookTarget, type Resolver } from '@berth/notifications/domain';
import {
  ADAPTER_API_PREFIX,
  ADAPTER_METADATA_MIME,
  ADAPTER_SCAN_REQUEST_MIME,
  type AdapterMetadata,
  type AdapterScanRequest,
} from './adapter-protocol';

/** A call to an adapter that failed; the message says what to fix. */
export class AdapterCallError extends Error {}

/** Harbor's `auth` kinds for calling an adapter. */
export const ADAPTER_AUTH_KINDS = ['', 'Basic', 'Bearer', 'X-ScannerAdapter-API-Key'] as const;
export type AdapterAuthKind = (typeof ADAPTER_AUTH_KINDS)[number];

/** How to reach one adapter (a scanner registration's connection settings). */
export interface AdapterEndpoint {
  /** The adapter's base URL; the API is under `/api/v1`. */
  url: string;
  auth: string;
  accessCredential: string;
  skipCertVerify: boolean;
}

/** Limits and the address policy for adapter calls. */
export interface AdapterClientOptions {
  /** Loopback, private and link-local adapter addresses are allowed (BERTH_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Per call, connect to last byte (default 30 s). */
  timeoutMs?: number;
  resolve?: Resolver;
}

/** A report poll: not ready yet (and when to ask again), or the report's JSON. */
export type AdapterReportPoll =
  { ready: false; retryAfterMs: number } | { ready: true; body: unknown };

const MAX_RESPONSE = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_REFRESH_MS = 2000;

/** The headers that authorize a call, as Harbor sends them for each `auth` kind. */
export function adapterAuthHeaders(auth: string, credential: string): Record<string, string> {
  if (credential === '') return {};
  switch (auth) {
    case 'Basic':
      return { authorization: `Basic ${Buffer.from(credential, 'utf8').toString('base64')}` };
    case 'Bearer':
      return { authorization: `Bearer ${credential}` };
    case 'X-ScannerAdapter-API-Key':
      return { 'x-scanneradapter-api-key': credential };
    default:
      return {};
  }
}

/**
 * Calls one scanner adapter (Pluggable Scanner API v1.2): metadata, scan requests and report
 * polls. Each call resolves the adapter's host, refuses private addresses unless allowed (as
 * webhooks do) and connects to exactly the address checked; redirects are not followed.
 */
export class ScannerAdapterClient {
  constructor(
    private readonly endpoint: AdapterEndpoint,
    private readonly options: AdapterClientOptions,
  ) {}

  /** `GET /metadata`: the adapter's scanner and capabilities. */
  async metadata(signal?: AbortSignal): Promise<AdapterMetadata> {
    const res = await this.call('GET', '/metadata', {
      headers: {
        accept: `${ADAPTER_METADATA_MIME}, application/vnd.scanner.adapter.metadata+json; version=1.0`,
      },
      signal,
    });
    if (res.status !== 200) throw this.failure('metadata', res);
    const body = parseJson(res.body, 'metadata');
    if (!isRecord(body) || !isRecord(body.scanner) || !Array.isArray(body.capabilities))
      throw new AdapterCallError('the adapter’s metadata lacks scanner or capabilities');
    return body as unknown as AdapterMetadata;
  }

  /** `POST /scan`: the id to poll the report with. */
  async scan(request: AdapterScanRequest, signal?: AbortSignal): Promise<string> {
    const res = await this.call('POST', '/scan', {
      headers: { 'content-type': ADAPTER_SCAN_REQUEST_MIME, accept: 'application/json, */*' },
      body: JSON.stringify(request),
      signal,
    });
    if (res.status !== 202 && res.status !== 200) throw this.failure('scan request', res);
    const body = parseJson(res.body, 'scan response');
    if (!isRecord(body) || typeof body.id !== 'string' || body.id === '' || body.id.length > 256)
      throw new AdapterCallError('the adapter accepted the scan without a usable id');
    return body.id;
  }

  /** `GET /scan/{id}/report` in `mime`: ready, or when to ask again (302 and `Refresh-After`). */
  async report(id: string, mime: string, signal?: AbortSignal): Promise<AdapterReportPoll> {
    const res = await this.call('GET', `/scan/${encodeURIComponent(id)}/report`, {
      headers: { accept: mime },
      signal,
    });
    if (res.status === 302) {
      const seconds = Number(res.headers['refresh-after']);
      const retryAfterMs =
        Number.isFinite(seconds) && seconds > 0
          ? Math.min(seconds, 300) * 1000
          : DEFAULT_REFRESH_MS;
      return { ready: false, retryAfterMs };
    }
    if (res.status !== 200) throw this.failure('report', res);
    return { ready: true, body: parseJson(res.body, 'report') };
  }

  private failure(what: string, res: RawResponse): AdapterCallError {
    let detail = '';
    try {
      const body = JSON.parse(res.body.toString('utf8')) as unknown;
      if (isRecord(body) && isRecord(body.error) && typeof body.error.message === 'string')
        detail = `: ${body.error.message.slice(0, 512)}`;
    } catch {
      detail = '';
    }
    return new AdapterCallError(`the adapter answered the ${what} with ${res.status}${detail}`);
  }

  private async call(
    method: string,
    path: string,
    init: { headers: Record<string, string>; body?: string; signal?: AbortSignal },
  ): Promise<RawResponse> {
    const base = this.endpoint.url.replace(/\/+$/, '');
    const check = await checkWebhookTarget(`${base}${ADAPTER_API_PREFIX}${path}`, {
      allowPrivate: this.options.allowPrivate,
      resolve: this.options.resolve,
    });
    if (!check.ok) throw new AdapterCallError(`the adapter URL is refused: ${check.reason}`);
    const headers = {
      ...init.headers,
      ...adapterAuthHeaders(this.endpoint.auth, this.endpoint.accessCredential),
    };
    return send(check.url, method, headers, init.body, check.addresses[0], {
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      skipCertVerify: this.endpoint.skipCertVerify,
      signal: init.signal,
    });
  }
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  pinned: { address: string; family: 4 | 6 },
  opts: { timeoutMs: number; skipCertVerify: boolean; signal?: AbortSignal },
): Promise<RawResponse> {
  const lookup = (
    _host: string,
    options: { all?: boolean },
    callback: (e: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
  const signals = [AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])];
  const signal = AbortSignal.any(signals);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: {
          ...headers,
          ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }),
        },
        lookup,
        signal,
        ...(url.protocol === 'https:' && { rejectUnauthorized: !opts.skipCertVerify }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE) {
            req.destroy(new AdapterCallError('the adapter’s answer is too large'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (e: Error) =>
      reject(
        e instanceof AdapterCallError
          ? e
          : new AdapterCallError(
              signal.aborted && !opts.signal?.aborted
                ? `the adapter did not answer within ${Math.round(opts.timeoutMs / 1000)} s`
                : `the adapter could not be reached: ${e.message}`,
            ),
      ),
    );
    req.end(body);
  });
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new AdapterCallError(`the adapter’s ${what} is not JSON`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
