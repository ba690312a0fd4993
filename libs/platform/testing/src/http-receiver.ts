import * as http from 'node:http';
import { freePort } from './ports';

export interface ReceivedRequest {
  at: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What it was answered; undefined while it hangs. */
  status?: number;
}

/** A status to answer with, or `hang` to never answer. */
export type ReceiverReply = number | 'hang';

export interface HttpReceiver {
  url: string;
  /** Every request, in arrival order. */
  received: ReceivedRequest[];
  /** The requests answered 2xx. */
  accepted(): ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A webhook receiver on 127.0.0.1 that records every request; `reply` decides each answer
 * (200 when absent). Hanging requests are cut when it closes.
 */
export async function startHttpReceiver(
  reply: (request: ReceivedRequest) => ReceiverReply = () => 200,
): Promise<HttpReceiver> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: ReceivedRequest = {
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const answer = reply(request);
      if (answer === 'hang') return;
      request.status = answer;
      res.writeHead(answer).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    accepted: () => received.filter((r) => r.status !== undefined && r.status < 300),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
