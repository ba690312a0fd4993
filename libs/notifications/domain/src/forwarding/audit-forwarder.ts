import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { AuditRecord } from './audit-record';
import { formatSyslogMessage, frameOctetCounted } from './rfc5424';

/**
 * Where audit records go, from a Harbor-style `audit_log_forward_endpoint` value:
 * `tcp://host:port` (RFC 5424 over TCP, RFC 6587 octet counting), `tls://host:port`
 * (RFC 5425) or `http(s)://…` (CloudEvents 1.0 batch).
 */
export interface ForwardEndpoint {
  kind: 'tcp' | 'tls' | 'http';
  /** The normalised value; for http(s) the URL that is POSTed to. */
  url: string;
  /** Host name or IP address, without IPv6 brackets. */
  host: string;
  port: number;
}

export class ForwardEndpointError extends Error {
  readonly code = 'INVALID_FORWARD_ENDPOINT';
  /** The setting as given, with any user-info replaced so it can be logged. */
  readonly value: string;

  constructor(
    value: string,
    readonly reason: string,
  ) {
    const shown = value.replace(/^([^:/?#]*:\/\/)[^/?#@]*@/, '$1***@');
    super(`invalid audit log forward endpoint ${JSON.stringify(shown)}: ${reason}`);
    this.value = shown;
  }
}

/** Why a batch was not forwarded; the caller keeps the records queued and retries. */
export class AuditForwardError extends Error {
  readonly code = 'AUDIT_FORWARD_FAILED';
}

/** Parses an endpoint setting; throws ForwardEndpointError for anything it cannot send to. */
export function parseForwardEndpoint(value: string): ForwardEndpoint {
  const fail = (reason: string): never => {
    throw new ForwardEndpointError(value, reason);
  };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('not a URL (expected tcp://host:port, tls://host:port or http(s)://…)');
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'tcp' && scheme !== 'tls' && scheme !== 'http' && scheme !== 'https') {
    return fail(`scheme ${scheme} is not one of tcp, tls, http, https`);
  }
  // Credentials would end up in logs wherever the endpoint is printed.
  if (url.username !== '' || url.password !== '') fail('credentials in the URL are not supported');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') fail('a host is required');
  if (scheme === 'http' || scheme === 'https') {
    if (url.hash !== '') fail('a fragment is not allowed');
    const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
    return { kind: 'http', url: url.href, host, port };
  }
  if (url.port === '') fail('a port is required');
  const port = Number(url.port);
  if (port < 1 || port > 65535) fail(`port ${url.port} is out of range`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    fail(`a path or query is not allowed for ${scheme}://`);
  }
  const hostPart = net.isIPv6(host) ? `[${host}]` : host;
  return { kind: scheme, url: `${scheme}://${hostPart}:${port}`, host, port };
}

export interface AuditForwarderOptions {
  endpoint: ForwardEndpoint;
  /** HOSTNAME of the syslog header: this Berth instance. */
  hostname: string;
  /** Extra trusted PEM for tls/https, beside the bundled CAs. */
  ca?: string | Buffer;
  /** Bounds connect + write (+ response for http) of one forward call; default 10 000. */
  timeoutMs?: number;
  /** CloudEvents `source`, e.g. Berth's external URL; default 'berth'. */
  source?: string;
}

interface Connection {
  socket: net.Socket;
  /** Set by the first 'error', 'end' or 'close': the connection must not carry records again. */
  failure?: Error;
}

/**
 * Sends batches of audit records to a SIEM. `forward` resolves only once every byte of the batch
 * was handed to the kernel (syslog) or the collector answered 2xx (http), and rejects otherwise
 * so the caller keeps the records queued and sends the batch again: delivery is at least once,
 * and a retried batch may arrive twice.
 *
 * Syslog over TCP has no acknowledgement (RFC 6587). A collector that closes the connection is
 * noticed only when its FIN or RST reaches us, often only in reply to our next write, whose
 * bytes the kernel has already accepted. So the socket is always read (to see a FIN at all),
 * Nagle is off (so a write reaches the peer, and its reset comes back, at once), and both before
 * writing on a kept connection and after the write callback the forwarder lets the event loop
 * poll once: a close or reset seen then replaces the connection before the write, or fails the
 * batch after it, so it is sent again rather than silently lost. A peer that drops unread bytes
 * after both checks (a crash while a slow link still carries the batch) can still lose them;
 * only an acknowledging protocol (RELP, HTTP) closes that gap.
 */
export class AuditForwarder {
  private readonly endpoint: ForwardEndpoint;
  private readonly timeoutMs: number;
  private connection: Connection | undefined;
  private agent: http.Agent | undefined;
  /** Calls run one after another so batches never interleave on the connection. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: AuditForwarderOptions) {
    this.endpoint = opts.endpoint;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive number, got ${opts.timeoutMs}`);
    }
  }

  /** Writes the records in order; resolves when all were written, rejects on any failure. */
  forward(records: AuditRecord[]): Promise<void> {
    const run = (): Promise<void> => this.forwardNow(records);
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Waits for a running forward, then closes the connection. Later forwards reject. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    this.agent?.destroy();
    this.agent = undefined;
    const connection = this.connection;
    this.connection = undefined;
    if (!connection || connection.socket.destroyed) return;
    const { socket } = connection;
    await new Promise<void>((resolve) => {
      // A collector that never acknowledges our FIN must not hold close() up.
      const timer = setTimeout(() => socket.destroy(), Math.min(this.timeoutMs, 1000));
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }

  private async forwardNow(records: AuditRecord[]): Promise<void> {
    if (this.closed) throw new AuditForwardError('audit forwarder is closed');
    if (records.length === 0) return;
    try {
      if (this.endpoint.kind === 'http') await this.postBatch(records);
      else await this.withTimeout(this.writeFrames(records));
    } catch (e) {
      const cause = e instanceof Error ? e : new Error(String(e));
      throw new AuditForwardError(`${this.describe()}: ${cause.message}`, { cause });
    }
  }

  private describe(): string {
    const { kind, host, port } = this.endpoint;
    return kind === 'http'
      ? `audit forward to ${this.endpoint.url.replace(/[?#].*$/, '')}`
      : `audit forward to ${kind}://${host}:${port}`;
  }

  /** On timeout the connection is destroyed, which also fails the pending connect or write. */
  private async withTimeout(work: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`timed out after ${this.timeoutMs} ms`);
        if (this.connection) this.drop(this.connection, error);
        reject(error);
      }, this.timeoutMs);
    });
    try {
      await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async writeFrames(records: AuditRecord[]): Promise<void> {
    const procId = String(process.pid);
    const payload = Buffer.concat(
      records.map((record) =>
        frameOctetCounted(formatSyslogMessage(record, { hostname: this.opts.hostname, procId })),
      ),
    );
    const connection = await this.usableConnection();
    try {
      await write(connection, payload);
      // A reset that answers this very write is counted against it, not against the next batch.
      await nextTurn();
      if (connection.failure) throw connection.failure;
    } catch (e) {
      this.drop(connection, e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  }

  /** The kept connection if no close or reset is pending on it, else a new one. */
  private async usableConnection(): Promise<Connection> {
    const kept = this.connection;
    if (kept && !kept.failure && !kept.socket.destroyed) {
      // Lets a FIN or RST that already arrived be read before we trust the connection.
      await nextTurn();
      if (!kept.failure && !kept.socket.destroyed) return kept;
    }
    if (kept) this.drop(kept, kept.failure ?? new Error('connection closed'));
    return this.connect();
  }

  private connect(): Promise<Connection> {
    const { kind, host, port } = this.endpoint;
    const socket =
      kind === 'tls'
        ? tls.connect({
            host,
            port,
            // SNI carries names only; for an IP, checkServerIdentity matches the IP SANs.
            servername: net.isIP(host) ? undefined : host,
            ca: this.trustedCas(),
          })
        : net.connect({ host, port });
    const connection: Connection = { socket };
    this.connection = connection;
    socket.on('error', (e) => (connection.failure ??= e));
    socket.on('end', () => (connection.failure ??= new Error('collector closed the connection')));
    socket.on('close', () => (connection.failure ??= new Error('connection closed')));
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    // Collectors send nothing, but reading is how a FIN from them becomes visible.
    socket.resume();
    const ready = kind === 'tls' ? 'secureConnect' : 'connect';
    return new Promise((resolve, reject) => {
      const settle = (error?: Error): void => {
        socket.off(ready, onReady);
        socket.off('error', settle);
        socket.off('close', onClose);
        if (error) {
          this.drop(connection, error);
          reject(error);
        } else {
          resolve(connection);
        }
      };
      const onReady = (): void => settle();
      const onClose = (): void => settle(connection.failure ?? new Error('connection closed'));
      socket.once(ready, onReady);
      socket.once('error', settle);
      socket.once('close', onClose);
    });
  }

  /** Passing `ca` replaces Node's default store, so the bundled roots are added back. */
  private trustedCas(): (string | Buffer)[] | undefined {
    return this.opts.ca === undefined ? undefined : [...tls.rootCertificates, this.opts.ca];
  }

  /** Retires one connection; a late failure of an old attempt never touches a newer one. */
  private drop(connection: Connection, reason: Error): void {
    connection.failure ??= reason;
    connection.socket.destroy();
    if (this.connection === connection) this.connection = undefined;
  }

  private postBatch(records: AuditRecord[]): Promise<void> {
    const url = new URL(this.endpoint.url);
    const secure = url.protocol === 'https:';
    this.agent ??= secure
      ? new https.Agent({ keepAlive: true, ca: this.trustedCas() })
      : new http.Agent({ keepAlive: true });
    const body = Buffer.from(
      JSON.stringify(records.map((r) => toCloudEvent(r, this.opts.source ?? 'berth'))),
    );
    const request = secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        req.destroy(new Error(`timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/cloudevents-batch+json; charset=utf-8',
            'content-length': body.length,
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          let excerpt = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (excerpt.length < 200) excerpt += chunk;
          });
          res.on('error', (e) => settle(e));
          res.on('end', () => {
            if (status >= 200 && status < 300) settle();
            else settle(new Error(`collector answered ${status} ${excerpt.slice(0, 200).trim()}`));
          });
          res.on('close', () => settle(new Error('response was cut off')));
        },
      );
      req.on('error', (e) => settle(e));
      req.end(body);
    });
  }
}

/** A CloudEvents 1.0 structured-mode event for one record. */
export interface AuditCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: {
    username: string;
    resource: string;
    resource_type: string;
    operation: string;
    operation_result: boolean;
    op_time: string;
    source_address?: string;
    project_id?: number;
    description?: string;
  };
}

export function toCloudEvent(record: AuditRecord, source: string): AuditCloudEvent {
  return {
    specversion: '1.0',
    id: record.eventId,
    source,
    type: `berth.audit.${record.resourceType}.${record.operation}`,
    subject: record.resource,
    time: record.opTime,
    datacontenttype: 'application/json',
    data: {
      username: record.operator,
      resource: record.resource,
      resource_type: record.resourceType,
      operation: record.operation,
      operation_result: record.result,
      op_time: record.opTime,
      source_address: record.sourceAddress,
      project_id: record.projectId,
      description: record.description,
    },
  };
}

/** Resolves on the write callback; a close or error first fails it. */
function write(connection: Connection, payload: Buffer): Promise<void> {
  const { socket } = connection;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error | null): void => {
      if (settled) return;
      settled = true;
      socket.off('error', settle);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onClose = (): void => settle(connection.failure ?? new Error('connection closed'));
    socket.once('error', settle);
    socket.once('close', onClose);
    socket.write(payload, settle);
  });
}

/**
 * Lets socket events that already reached the kernel be delivered: two check phases always have
 * a poll phase between them, whichever phase of the event loop we are called from.
 */
async function nextTurn(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}
