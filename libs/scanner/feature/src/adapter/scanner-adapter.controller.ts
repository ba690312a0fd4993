import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import {
  ADAPTER_ERROR_MIME,
  ADAPTER_METADATA_MIME,
  ADAPTER_SCAN_RESPONSE_MIME,
  AdapterBusyError,
  AdapterScanJobs,
  BUILTIN_ADAPTER_SCANNER,
  adapterError,
  builtinAdapterMetadata,
  isScanRequestContentType,
  negotiateReportMime,
  parseScanRequest,
} from '@berth/scanning/domain';
import { adapterContentType } from './adapter-http';

/** Seconds a caller is told to wait before polling a running scan's report again. */
export const REFRESH_AFTER_SECONDS = 2;

/**
 * Berth's built-in scanner as a Harbor Pluggable Scanner API v1.2 adapter under `/api/v1`:
 * metadata, scan requests (the image is pulled from the registry the request names) and
 * reports. Off (404) unless BERTH_SCANNER_ADAPTER_TOKEN is set; then every call must present
 * it as `Authorization: Bearer <token>` or `X-ScannerAdapter-API-Key: <token>`.
 */
@Controller('api/v1')
export class ScannerAdapterController {
  private readonly tokenDigest?: Buffer;

  constructor(
    private readonly jobs: AdapterScanJobs,
    @Inject(BERTH_CONFIG) config: BerthConfig,
  ) {
    const token = config.scanner?.adapterToken;
    this.tokenDigest = token ? sha256(token) : undefined;
  }

  @Get('metadata')
  metadata(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!this.admitted(req, reply)) return;
    const body = builtinAdapterMetadata(BUILTIN_ADAPTER_SCANNER, this.jobs.databaseUpdatedAt());
    void reply.status(200).header('content-type', ADAPTER_METADATA_MIME).send(json(body));
  }

  @Post('scan')
  scan(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!this.admitted(req, reply)) return;
    if (!isScanRequestContentType(adapterContentType(req)))
      return fail(
        reply,
        400,
        'the body must be a scan request (application/vnd.scanner.adapter.scan.request+json)',
      );
    const parsed = parseScanRequest(typeof req.body === 'string' ? req.body : '');
    if (!parsed.ok) return fail(reply, parsed.status, parsed.message);
    try {
      const id = this.jobs.accept(parsed.request, parsed.registryUrl);
      void reply.status(202).header('content-type', ADAPTER_SCAN_RESPONSE_MIME).send(json({ id }));
    } catch (e) {
      if (e instanceof AdapterBusyError) return fail(reply, 503, e.message);
      throw e;
    }
  }

  @Get('scan/:id/report')
  report(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!this.admitted(req, reply)) return;
    const state = this.jobs.state(id);
    if (!state) return fail(reply, 404, `no scan request ${id.slice(0, 64)}`);
    const query = req.query as Record<string, unknown>;
    if (query.sbom_media_type !== undefined)
      return fail(reply, 400, 'this scanner produces no SBOM; sbom_media_type is not supported');
    const mime = negotiateReportMime(req.headers.accept);
    if (!mime)
      return fail(
        reply,
        501,
        `this scanner cannot produce ${String(req.headers.accept).slice(0, 128)}`,
      );
    if (state.status === 'failed') return fail(reply, 500, state.message);
    if (state.status !== 'done') {
      void reply.status(302).header('refresh-after', String(REFRESH_AFTER_SECONDS)).send();
      return;
    }
    void reply.status(200).header('content-type', mime).send(json(state.report));
  }

  /** Answers 404 when the API is off and 401 without the token; true when the call may go on. */
  private admitted(req: FastifyRequest, reply: FastifyReply): boolean {
    if (!this.tokenDigest) {
      fail(reply, 404, 'the scanner adapter API is not enabled');
      return false;
    }
    const header = req.headers.authorization ?? '';
    const apiKey = req.headers['x-scanneradapter-api-key'];
    const presented = /^bearer /i.test(header)
      ? header.slice('bearer '.length).trim()
      : typeof apiKey === 'string'
        ? apiKey
        : undefined;
    // Compared as digests: constant time whatever the lengths.
    if (presented === undefined || !timingSafeEqual(sha256(presented), this.tokenDigest)) {
      reply.header('www-authenticate', 'Bearer realm="scanner-adapter"');
      fail(reply, 401, 'a valid scanner adapter token is required');
      return false;
    }
    return true;
  }
}

function fail(reply: FastifyReply, status: number, message: string): void {
  void reply
    .status(status)
    .header('content-type', ADAPTER_ERROR_MIME)
    .send(json(adapterError(message)));
}

/** As bytes: a string body would have its Content-Type rewritten (parameters quoted, a charset added). */
function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
