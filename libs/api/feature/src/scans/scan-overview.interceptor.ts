import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, mergeMap, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { BERTH_VERSION, firstQueryValue, type RawQuery } from '@berth/api/domain';
import { RequestAuthenticator } from '@berth/identity/domain';
import { SystemSettingRepository } from '@berth/platform/database';
import {
  BUILTIN_SCANNER,
  HARBOR_VULNERABILITY_MIME,
  SBOM_REPORT_MIME,
  ScanReportRepository,
  ScannerRegistrationRepository,
  VULNERABILITY_REPORT_MIME,
  readScannerDbInfo,
  sbomOverviewOf,
  scanOverviewOf,
  type SbomOverview,
  type ScanOverview,
} from '@berth/scanning/domain';
import type { ArtifactResp } from '../repositories/artifact-resp';
import { callerOf } from '../projects/project-request';

const SCANNER = { ...BUILTIN_SCANNER, version: BERTH_VERSION };

/**
 * Harbor's `scan_overview` on artifacts listed or read with `with_scan_overview=true`, and
 * `sbom_overview` with `with_sbom_overview=true`. Applied to those two routes only: an
 * interceptor on every route would put its cost on every registry request.
 */
@Injectable()
export class ArtifactScanOverviewInterceptor implements NestInterceptor {
  constructor(
    private readonly reports: ScanReportRepository,
    private readonly registrations: ScannerRegistrationRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const wanted = {
      scan: wantsOverview(req.query as RawQuery, 'with_scan_overview'),
      sbom: wantsOverview(req.query as RawQuery, 'with_sbom_overview'),
    };
    if (!wanted.scan && !wanted.sbom) return next.handle();
    const mime = overviewMime(req);
    const project = (req.params as Record<string, string | undefined>).project_name ?? '';
    return next
      .handle()
      .pipe(mergeMap((body: unknown) => from(this.withOverviews(body, mime, project, wanted))));
  }

  private async withOverviews(
    body: unknown,
    mime: string,
    project: string,
    wanted: { scan: boolean; sbom: boolean },
  ): Promise<unknown> {
    const artifacts = (Array.isArray(body) ? body : [body]) as ArtifactResp[];
    const registration = await this.registrations.forProject(project);
    if (!registration || artifacts.length === 0) return body;
    const rows = await this.reports.ofDigests(
      artifacts.map((a) => a.digest),
      registration.uuid,
    );
    const overviews = new Map<string, ScanOverview>();
    const sboms = new Map<string, SbomOverview>();
    for (const row of rows)
      if (wanted.scan && row.mimeType === VULNERABILITY_REPORT_MIME)
        overviews.set(row.digest, scanOverviewOf(row, SCANNER));
      else if (wanted.sbom && row.mimeType === SBOM_REPORT_MIME)
        sboms.set(row.digest, sbomOverviewOf(row, SCANNER));
    for (const a of artifacts) {
      const overview = overviews.get(a.digest);
      if (overview) Object.assign(a, { scan_overview: { [mime]: overview } });
      const sbom = sboms.get(a.digest);
      if (sbom) Object.assign(a, { sbom_overview: sbom });
    }
    return body;
  }
}

/** `scanner_db` (the vulnerability database's age) in `/systeminfo`, for signed-in users. */
@Injectable()
export class SystemInfoScannerInterceptor implements NestInterceptor {
  private readonly settings: SystemSettingRepository;

  constructor(
    private readonly authenticator: RequestAuthenticator,
    dataSource: DataSource,
  ) {
    this.settings = new SystemSettingRepository(dataSource);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    return next.handle().pipe(mergeMap((body: unknown) => from(this.withScannerDb(body, req))));
  }

  /** Signed-in users only, as Harbor keeps its fuller system information from anonymous callers. */
  private async withScannerDb(body: unknown, req: FastifyRequest): Promise<unknown> {
    const caller = await callerOf(this.authenticator, req).catch(() => undefined);
    if (caller?.kind !== 'user') return body;
    const info = await readScannerDbInfo(this.settings);
    return { ...(body as Record<string, unknown>), scanner_db: info };
  }
}

function wantsOverview(query: RawQuery, flag: string): boolean {
  return firstQueryValue(query, flag)?.toLowerCase() === 'true';
}

/** The key of `scan_overview`: the report's MIME type, or the adapter's if that is the one asked for. */
function overviewMime(req: FastifyRequest): string {
  const header = req.headers['x-accept-vulnerabilities'];
  const raw = (Array.isArray(header) ? header.join(',') : (header ?? '')).replace(/\s+/g, '');
  const asked = raw.toLowerCase().split(',');
  const adapter = HARBOR_VULNERABILITY_MIME.replace(/\s+/g, '');
  const native = VULNERABILITY_REPORT_MIME.replace(/\s+/g, '');
  return asked.includes(adapter) && !asked.includes(native)
    ? HARBOR_VULNERABILITY_MIME
    : VULNERABILITY_REPORT_MIME;
}
