import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';

const TOKEN_PATH = '/service/token';
const FORM_LIMIT_BYTES = 64 * 1024;
const UPSTREAM_TIMEOUT_MS = 10_000;
const PASSED_RESPONSE_HEADERS = ['content-type', 'cache-control', 'www-authenticate', 'pragma'];

/**
 * Serves the token endpoint on the registry's own origin by forwarding to the auth app. Clients
 * follow the challenge realm, and several refuse a realm on another host that is a private
 * address, so a registry without an ingress in front must answer `/service/token` itself.
 */
export function installTokenProxy(fastify: FastifyInstance, authUrl: string): void {
  void fastify.register(async (scope) => {
    // The form body goes through untouched; the auth app parses and validates it.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { bodyLimit: FORM_LIMIT_BYTES, parseAs: 'buffer' },
      (_req, body, done) => done(null, body),
    );
    const forward = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      const headers: Record<string, string> = { 'x-forwarded-for': req.ip };
      for (const name of ['authorization', 'content-type', 'accept'])
        if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
      let upstream: Response;
      try {
        upstream = await fetch(`${authUrl}${TOKEN_PATH}${query}`, {
          method: req.method,
          headers,
          body: req.method === 'POST' ? (req.body as Buffer) : undefined,
          redirect: 'manual',
          signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
        });
      } catch {
        reply
          .status(503)
          .send({ errors: [{ code: 'UNAVAILABLE', message: 'token service unavailable' }] });
        return;
      }
      reply.status(upstream.status);
      for (const name of PASSED_RESPONSE_HEADERS) {
        const value = upstream.headers.get(name);
        if (value !== null) reply.header(name, value);
      }
      // Token responses are small: buffer them rather than stream.
      reply.send(Buffer.from(await upstream.arrayBuffer()));
    };
    scope.get(TOKEN_PATH, forward);
    scope.post(TOKEN_PATH, forward);
  });
}

const TOKEN_PROXY = Symbol('TOKEN_PROXY');

/** Mounted by the registry app in distributed mode, where the auth app runs elsewhere. */
@Module({
  providers: [
    {
      provide: TOKEN_PROXY,
      inject: [HttpAdapterHost, BERTH_CONFIG],
      useFactory: (host: HttpAdapterHost, config: BerthConfig) =>
        installTokenProxy(host.httpAdapter.getInstance<FastifyInstance>(), config.auth.url),
    },
  ],
})
export class TokenProxyModule {}
