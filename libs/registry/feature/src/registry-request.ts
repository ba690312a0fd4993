import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '@berth/contracts';
import { OciError } from '@berth/oci';
import type { RegistryPrincipal } from '@berth/registry/domain';
import { DISTRIBUTION_API_VERSION } from './registry-challenge';

/** Content type under which /v2/ request bodies reach the raw parser, whatever the client sent. */
const RAW_BODY_TYPE = 'application/x-berth-registry-body';
const originalContentType = Symbol('berth.registry.contentType');

type TaggedRequest = IncomingMessage & { [originalContentType]?: string };

const isRegistryUrl = (url: string): boolean => url === '/v2' || url.startsWith('/v2/');

/**
 * Makes every /v2/ request body arrive as an unparsed stream (blobs of any type, manifests
 * under our own size check) and gives every /v2/ response the API version header and an OCI
 * error body, including errors Fastify raises before a handler runs.
 */
export function installRegistryHttp(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(RAW_BODY_TYPE, (_req, payload, done) => done(null, payload));
  fastify.addHook('onRequest', async (req) => {
    if (!isRegistryUrl(req.url)) return;
    const raw = req.raw as TaggedRequest;
    raw[originalContentType] = req.headers['content-type'];
    req.headers['content-type'] = RAW_BODY_TYPE;
  });
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (!isRegistryUrl(req.url)) return payload;
    reply.header('Docker-Distribution-API-Version', DISTRIBUTION_API_VERSION);
    if (reply.statusCode < 400 || typeof payload !== 'string' || payload.startsWith('{"errors"'))
      return payload;
    // An error Fastify answered itself (bad URL, parser failure): same status, OCI body.
    reply.header('Content-Type', 'application/json; charset=utf-8');
    const code =
      reply.statusCode === 404
        ? 'NAME_UNKNOWN'
        : reply.statusCode === 413
          ? 'SIZE_INVALID'
          : 'UNSUPPORTED';
    return JSON.stringify(new OciError(code, describe(payload)).toBody());
  });
}

function describe(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : 'request refused';
  } catch {
    return 'request refused';
  }
}

/** The Content-Type the client sent (the header itself is replaced for body parsing). */
export function requestContentType(req: FastifyRequest): string | undefined {
  return (req.raw as TaggedRequest)[originalContentType];
}

/** The request body as a stream, or undefined when the request has none. */
export function requestBody(req: FastifyRequest): Readable | undefined {
  const body = req.body as Readable | undefined;
  return body && typeof body.pipe === 'function' ? body : undefined;
}

/** A declared Content-Length, if the client sent a valid one. */
export function requestLength(req: FastifyRequest): number | undefined {
  const value = req.headers['content-length'];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** Reads a body of at most `limit` bytes; refuses larger ones by Content-Length or by count, without buffering them. */
export async function readLimited(req: FastifyRequest, limit: number): Promise<Buffer> {
  const tooLarge = () => new OciError('SIZE_INVALID', `body exceeds ${limit} bytes`);
  const declared = requestLength(req);
  if (declared !== undefined && declared > limit) throw tooLarge();
  const body = requestBody(req);
  if (!body) return Buffer.alloc(0);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total <= limit) return void chunks.push(chunk);
      // Stop collecting but leave the socket alone: Node discards the rest after the answer.
      body.off('data', onData);
      body.off('end', onEnd);
      reject(tooLarge());
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks, total));
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', reject);
  });
}

/** The query string's single value for `key`. */
export function queryValue(req: FastifyRequest, key: string): string | undefined {
  const query = req.query as Record<string, string | string[] | undefined> | undefined;
  const value = query?.[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Who made a /v2/ request, for its events: the token's subject (`anonymous` without one) and the client's address. */
export function actorOf(principal: RegistryPrincipal, req: FastifyRequest): Actor {
  return { operator: principal.subject ?? 'anonymous', sourceAddress: req.ip.slice(0, 64) };
}
