import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CSRF_HEADER, SESSION_COOKIE, csrfTokenFor, readCookie } from '@berth/identity/domain';
import { API_PREFIX } from './harbor-api.decorator';

/**
 * Harbor hands the CSRF token out on every API answer to a portal session, and scripts that
 * sign in through `/c/login` read it from whichever answer came last. Berth does the same: the
 * token is derived from the session id the caller already holds, so it tells them nothing new.
 */
@Injectable()
export class SessionCsrfHeader {
  constructor(adapterHost: HttpAdapterHost) {
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', async (req, reply) => {
      const token = sessionCsrfToken(req);
      if (token) reply.header(CSRF_HEADER, token);
    });
  }
}

function sessionCsrfToken(req: FastifyRequest): string | undefined {
  if (req.url !== API_PREFIX && !req.url.startsWith(`${API_PREFIX}/`)) return undefined;
  // Basic credentials win over the cookie, as the request authenticator decides.
  if (req.headers.authorization) return undefined;
  const sessionId = readCookie(req.headers.cookie, SESSION_COOKIE);
  return sessionId ? csrfTokenFor(sessionId) : undefined;
}
