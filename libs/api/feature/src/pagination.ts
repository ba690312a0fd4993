import type { FastifyReply, FastifyRequest } from 'fastify';
import { pageHeaders, type Paging } from '@berth/api/domain';

/** Sets `X-Total-Count` and, when there are other pages, Harbor's `Link` header on a list answer. */
export function setPageHeaders(
  req: FastifyRequest,
  reply: FastifyReply,
  paging: Paging,
  total: number,
): void {
  reply.headers(pageHeaders(req.url, paging, total));
}
