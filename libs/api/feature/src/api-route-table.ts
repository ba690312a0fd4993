import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  RouteOptions,
} from 'fastify';
import { API_PREFIX } from './harbor-api.decorator';
import { sendHarborError } from './harbor-error.filter';

export interface ApiRoute {
  method: string;
  /** Fastify's form: `/api/v2.0/projects/:project_name`. */
  url: string;
}

/** Routes the fallback controller adds to answer unknown paths; not part of the API. */
export const FALLBACK_URLS: readonly string[] = [API_PREFIX, `${API_PREFIX}/*`];

/**
 * Paths Harbor's swagger spells with a trailing slash, so clients generated from it send one.
 * Nest strips trailing slashes, so each also gets a twin route that ends in `/`.
 */
export const TRAILING_SLASH_URLS: readonly string[] = [
  `${API_PREFIX}/projects/:project_name_or_id/metadatas`,
];

/**
 * Clients generated from Harbor's swagger send `Content-Type: application/json` on every request
 * (the swagger's global `consumes`), bodiless DELETEs included; Fastify would refuse those as an
 * empty JSON body. A request without a body is read as having none, whatever its content type.
 */
const ignoreTypeOfEmptyBody: onRequestHookHandler = async (req) => {
  const length = req.headers['content-length'];
  const empty =
    length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined);
  if (empty) delete req.headers['content-type'];
};

/**
 * Watches Fastify register routes under /api/v2.0 and (1) gives each a route-level error
 * handler, so errors raised before a controller runs — a body that is not JSON, an unsupported
 * content type, a body over the limit — get Harbor's error body too, and no other route is
 * touched; (2) lets a bodiless request name a content type; (3) keeps the list, for 405 answers
 * and the OpenAPI consistency test.
 *
 * Nest creates providers before it registers routes, so the hook is in place in time.
 */
@Injectable()
export class ApiRouteTable {
  private readonly table: ApiRoute[] = [];

  constructor(adapterHost: HttpAdapterHost) {
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRoute', (route: RouteOptions) => {
      if (route.url !== API_PREFIX && !route.url.startsWith(`${API_PREFIX}/`)) return;
      route.errorHandler ??= (error: unknown, _req: FastifyRequest, reply: FastifyReply) =>
        sendHarborError(reply, error);
      const onRequest = [route.onRequest ?? []].flat();
      if (!onRequest.includes(ignoreTypeOfEmptyBody))
        route.onRequest = [ignoreTypeOfEmptyBody, ...onRequest];
      if (route.url.endsWith('/')) return; // a twin below: same operation, not listed again
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) this.table.push({ method, url: route.url });
      // Fastify adds the HEAD of the GET twin itself.
      if (TRAILING_SLASH_URLS.includes(route.url) && !methods.includes('HEAD'))
        fastify.route({ ...route, url: `${route.url}/` });
    });
  }

  /** Every route under /api/v2.0 but the fallback ones (and the HEAD twins Fastify adds). */
  routes(): ApiRoute[] {
    const seen = new Set<string>();
    return this.table.filter((r) => {
      const key = `${r.method} ${r.url}`;
      if (FALLBACK_URLS.includes(r.url) || r.method === 'HEAD' || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** The methods some API route answers on this path; empty when the path is unknown. */
  methodsFor(path: string): string[] {
    const methods = this.routes()
      .filter((r) => routePattern(r.url).test(path))
      .map((r) => r.method);
    return [...new Set(methods)].sort();
  }
}

function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}
