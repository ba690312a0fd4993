import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ADAPTER_API_PREFIX } from '@berth/scanning/domain';

/** Content type under which adapter API bodies reach their parser, whatever the client sent. */
const ADAPTER_BODY_TYPE = 'application/x-berth-scanner-adapter-body';
const originalContentType = Symbol('berth.scannerAdapter.contentType');
/** Scan requests are small; anything larger is refused before it is read. */
export const ADAPTER_BODY_LIMIT = 64 * 1024;

type TaggedRequest = IncomingMessage & { [originalContentType]?: string };

const isAdapterUrl = (url: string): boolean => url.startsWith(`${ADAPTER_API_PREFIX}/`);

/**
 * Makes adapter API request bodies (`application/vnd.scanner.adapter.scan.request+json; …`,
 * which Fastify's JSON parser does not take) arrive as text, so the handler parses them and
 * answers a bad one with the API's own error body.
 */
export function installAdapterHttp(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(
    ADAPTER_BODY_TYPE,
    { parseAs: 'string', bodyLimit: ADAPTER_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );
  fastify.addHook('onRequest', async (req) => {
    if (!isAdapterUrl(req.url)) return;
    const raw = req.raw as TaggedRequest;
    raw[originalContentType] = req.headers['content-type'];
    if (req.headers['content-type'] !== undefined) req.headers['content-type'] = ADAPTER_BODY_TYPE;
  });
}

/** The Content-Type the client sent to the adapter API. */
export function adapterContentType(req: FastifyRequest): string | undefined {
  return (req.raw as TaggedRequest)[originalContentType];
}
