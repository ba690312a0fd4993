import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { checkWebhookTarget, type ResolvedAddress, type Resolver } from './target-guard';

export interface WebhookRequest {
  url: string;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  /** Sent as the Authorization header, to the original origin only. */
  authHeader?: string;
  skipCertVerify?: boolean;
  /** Bounds the whole delivery: resolution, connect, response headers, body, every redirect. */
  timeoutMs: number;
  allowPrivate: boolean;
  /** Defaults to 3. */
  maxRedirects?: number;
  /** An extra trusted CA. */
  ca?: string | Buffer;
}

export interface WebhookResult {
  ok: boolean;
  status?: number;
  error?: string;
  durationMs: number;
  /** The first 1 KiB of the response body, as text. */
  responseBody?: string;
  finalUrl: string;
  /** The IP address connected to. */
  address?: string;
}

export type RedirectDecision =
  { follow: true; url: URL; sameOrigin: boolean } | { follow: false; reason: string };

export const DEFAULT_MAX_REDIRECTS = 3;
export const RESPONSE_BODY_LIMIT = 1024;
const MAX_SOCKETS_PER_ORIGIN = 16;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Where a redirect response sends the next attempt. Only 307 and 308 are followed, because they
 * promise the same method and body; 301/302/303 would turn a POST into a GET, which no webhook
 * receiver expects, so they count as failures.
 */
export function redirectTarget(current: URL, location: string, status: number): RedirectDecision {
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    return { follow: false, reason: `redirected (${status}) to an invalid location` };
  }
  if (status !== 307 && status !== 308) {
    return { follow: false, reason: `redirected (${status}) to ${next.href}; not followed` };
  }
  return { follow: true, url: next, sameOrigin: next.origin === current.origin };
}

type PinnedOptions = http.RequestOptions & { pinnedAddress?: string };

// Sockets are pooled per host and port; adding the pinned IP keeps a socket opened for one
// address (perhaps under allowPrivate) from being reused after the name has moved elsewhere.
class PinnedHttpAgent extends http.Agent {
  override getName(options?: PinnedOptions): string {
    return `${super.getName(options)}|${options?.pinnedAddress ?? ''}`;
  }
}

class PinnedHttpsAgent extends https.Agent {
  override getName(options?: https.RequestOptions & { pinnedAddress?: string }): string {
    return `${super.getName(options)}|${options?.pinnedAddress ?? ''}`;
  }
}

interface Attempt {
  status: number;
  location?: string;
  body: string;
}

class DeliveryError extends Error {}

/** A pooled keep-alive socket turned out to be closed before the request got an answer. */
class StaleSocketError extends DeliveryError {}

/** A pooled keep-alive socket turned out to be closed before the request got an answer. */
/** Delivers webhook requests over keep-alive connections to addresses the target guard checked. */
export class WebhookSender {
  private readonly resolve?: Resolver;
  private readonly httpAgent: PinnedHttpAgent;
  private readonly httpsAgent: PinnedHttpsAgent;
  private readonly insecureHttpsAgent: PinnedHttpsAgent;

  constructor(opts: { resolve?: Resolver } = {}) {
    this.resolve = opts.resolve;
    const agentOptions = {
      keepAlive: true,
      maxSockets: MAX_SOCKETS_PER_ORIGIN,
      scheduling: 'lifo' as const,
    };
    this.httpAgent = new PinnedHttpAgent(agentOptions);
    this.httpsAgent = new PinnedHttpsAgent(agentOptions);
    this.insecureHttpsAgent = new PinnedHttpsAgent({ ...agentOptions, rejectUnauthorized: false });
  }

  /** Never throws for a failed delivery; the result says what happened. */
  async send(req: WebhookRequest): Promise<WebhookResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), req.timeoutMs);
    const maxRedirects = req.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    const timedOut = `timed out after ${req.timeoutMs} ms`;

    let url = req.url;
    let sendAuth = true;
    let address: string | undefined;
    try {
      for (let hop = 0; ; hop++) {
        const check = await untilAborted(
          checkWebhookTarget(url, { allowPrivate: req.allowPrivate, resolve: this.resolve }),
          deadline.signal,
        );
        if (check === undefined) {
          return { ok: false, error: timedOut, durationMs: elapsed(), finalUrl: url };
        }
        if (!check.ok) {
          const error =
            hop === 0
              ? `target refused: ${check.reason}`
              : `redirect to ${url} refused: ${check.reason}`;
          return { ok: false, error, durationMs: elapsed(), finalUrl: url };
        }
        const pinned = check.addresses[0];
        address = pinned.address;

        let attempt: Attempt;
        try {
          attempt = await this.attempt(check.url, pinned, req, sendAuth, deadline.signal);
        } catch (err: unknown) {
          const error = deadline.signal.aborted ? timedOut : errorMessage(err);
          return { ok: false, error, durationMs: elapsed(), finalUrl: url, address };
        }

        const result = {
          status: attempt.status,
          durationMs: elapsed(),
          responseBody: attempt.body,
          finalUrl: url,
          address,
        };
        if (REDIRECT_STATUSES.has(attempt.status) && attempt.location !== undefined) {
          const decision = redirectTarget(check.url, attempt.location, attempt.status);
          if (!decision.follow) return { ...result, ok: false, error: decision.reason };
          if (hop >= maxRedirects) {
            return {
              ...result,
              ok: false,
              error: `too many redirects (more than ${maxRedirects})`,
            };
          }
          // Credentials stay with the origin they were configured for, as browsers and curl do.
          sendAuth = sendAuth && decision.sameOrigin;
          url = decision.url.href;
          continue;
        }
        const ok = attempt.status >= 200 && attempt.status < 300;
        return ok ? { ...result, ok } : { ...result, ok, error: `HTTP ${attempt.status}` };
      }
    } catch (err: unknown) {
      return { ok: false, error: errorMessage(err), durationMs: elapsed(), finalUrl: url, address };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes pooled connections; the sender must not be used afterwards. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.insecureHttpsAgent.destroy();
  }

  private async attempt(
    url: URL,
    pinned: ResolvedAddress,
    req: WebhookRequest,
    sendAuth: boolean,
    signal: AbortSignal,
  ): Promise<Attempt> {
    try {
      return await this.exchange(url, pinned, req, sendAuth, signal);
    } catch (err: unknown) {
      // A pooled socket the receiver closed while idle fails at once; one fresh connection is fair.
      if (err instanceof StaleSocketError && !signal.aborted) {
        return this.exchange(url, pinned, req, sendAuth, signal);
      }
      throw err;
    }
  }

  private exchange(
    url: URL,
    pinned: ResolvedAddress,
    req: WebhookRequest,
    sendAuth: boolean,
    signal: AbortSignal,
  ): Promise<Attempt> {
    const secure = url.protocol === 'https:';
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const headers: Record<string, string> = {
      ...req.headers,
      'Content-Type': req.contentType,
      'Content-Length': String(Buffer.byteLength(req.body)),
    };
    if (sendAuth && req.authHeader !== undefined && req.authHeader !== '') {
      headers['Authorization'] = req.authHeader;
    }
    const options: PinnedOptions & https.RequestOptions = {
      method: 'POST',
      protocol: url.protocol,
      hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      headers,
      lookup: pinnedLookup(pinned),
      pinnedAddress: pinned.address,
    };
    if (secure) {
      options.agent = req.skipCertVerify ? this.insecureHttpsAgent : this.httpsAgent;
      options.rejectUnauthorized = !req.skipCertVerify;
      if (req.ca !== undefined) options.ca = req.ca;
    } else {
      options.agent = this.httpAgent;
    }

    return new Promise<Attempt>((resolve, reject) => {
      if (signal.aborted) return reject(new DeliveryError('aborted'));
      let gotResponse = false;
      const request = (secure ? https : http).request(options, (res) => {
        gotResponse = true;
        const kept: Buffer[] = [];
        let keptBytes = 0;
        res.on('data', (chunk: Buffer) => {
          // Read everything so the socket can go back to the pool, but keep only the start.
          if (keptBytes < RESPONSE_BODY_LIMIT) {
            const slice = chunk.subarray(0, RESPONSE_BODY_LIMIT - keptBytes);
            kept.push(slice);
            keptBytes += slice.length;
          }
        });
        res.on('end', () => {
          signal.removeEventListener('abort', onAbort);
          const location = res.headers.location;
          resolve({
            status: res.statusCode ?? 0,
            location,
            body: Buffer.concat(kept).toString('utf8'),
          });
        });
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete)
            fail(new DeliveryError('the connection closed before the response ended'));
        });
      });
      const reused = (): boolean => request.reusedSocket;
      function fail(err: Error): void {
        signal.removeEventListener('abort', onAbort);
        const code = (err as NodeJS.ErrnoException).code;
        if (!gotResponse && reused() && (code === 'ECONNRESET' || code === 'EPIPE')) {
          reject(new StaleSocketError(err.message));
        } else {
          reject(err);
        }
      }
      function onAbort(): void {
        request.destroy(new DeliveryError('aborted'));
      }
      signal.addEventListener('abort', onAbort, { once: true });
      request.on('error', fail);
      request.end(req.body);
    });
  }
}

/** A lookup that answers with the checked address whatever DNS would say now. */
function pinnedLookup(
  pinned: ResolvedAddress,
): (
  hostname: string,
  options: LookupOptions,
  callback: (
    err: NodeJS.ErrnoException | null,
    address: string | LookupAddress[],
    family?: number,
  ) => void,
) => void {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}

async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
