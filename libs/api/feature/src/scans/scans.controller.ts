import { Body, Get, Header, HttpCode, Param, Post, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { badRequest, notFound } from '@berth/api/domain';
import { indexChildren } from '@berth/artifacts/domain';
import { IdentityErrorFilter, RequestAuthenticator, type Principal } from '@berth/identity/domain';
import { ProjectAccess } from '@berth/projects/domain';
import {
  HARBOR_VULNERABILITY_MIME,
  RegistryContent,
  RequestScanUseCase,
  ScanReportRepository,
  ScanRequestError,
  ScannerRegistrationRepository,
  StopScanUseCase,
  VULNERABILITY_REPORT_MIME,
  isScannable,
  sbomDocumentOf,
} from '@berth/scanning/domain';
import { HarborApiController } from '../harbor-api.decorator';
import { callerOf } from '../projects/project-request';
import { RepositoryScope } from '../repositories/repository-scope';
import { requireScanRole } from './scan-permission';
import { scanTypeOf } from './scan-request-body';

/** The MIME types `X-Accept-Vulnerabilities` may name; both stand for the same report. */
const VULNERABILITY_MIMES = [VULNERABILITY_REPORT_MIME, HARBOR_VULNERABILITY_MIME];

/**
 * Harbor's scan endpoints of one artifact: start a scan or SBOM generation, stop it, read a
 * scan's log, the vulnerability report (`additions/vulnerabilities`) and, of an SBOM accessory,
 * its document (`additions/sbom`). Starting and stopping need Harbor's `scan` permission;
 * reading needs what reading the artifact needs.
 */
@UseFilters(IdentityErrorFilter)
@HarborApiController('projects/:project_name/repositories/:repository_name/artifacts/:reference')
export class ScansController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly scope: RepositoryScope,
    private readonly access: ProjectAccess,
    private readonly content: RegistryContent,
    private readonly requestScan: RequestScanUseCase,
    private readonly stopScan: StopScanUseCase,
    private readonly reports: ScanReportRepository,
    private readonly registrations: ScannerRegistrationRepository,
  ) {}

  /** 202: the scan is pending (or was already pending or running). */
  @Post('scan')
  @HttpCode(202)
  async scan(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    const { repository, artifact } = await this.scannable(
      caller,
      projectName,
      repositoryName,
      reference,
    );
    const scanType = scanTypeOf(body);
    if (!isScannable(artifact))
      throw badRequest(
        `the scanner does not scan artifacts of type ${(artifact.artifactType ?? artifact.mediaType).slice(0, 128)}`,
      );
    try {
      await this.requestScan.execute({
        repository: repository.name,
        digest: artifact.digest,
        requestedBy: caller.kind === 'user' ? caller.username : 'anonymous',
        scanType,
      });
    } catch (e) {
      if (e instanceof ScanRequestError) throw badRequest(e.message);
      throw e;
    }
  }

  /**
   * 202 whether or not a scan was running: afterwards none is. A body naming a scan type stops
   * only that one (the vulnerability scan or the SBOM generation); without one, both stop.
   */
  @Post('scan/stop')
  @HttpCode(202)
  async stop(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    const { artifact } = await this.scannable(caller, projectName, repositoryName, reference);
    const scanType = namesScanType(body) ? scanTypeOf(body) : undefined;
    await this.stopScan.execute(artifact.digest, projectName, scanType);
  }

  @Get('scan/:report_id/log')
  @Header('content-type', 'text/plain; charset=utf-8')
  async log(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Param('report_id') reportId: string,
    @Req() req: FastifyRequest,
  ): Promise<string> {
    const artifact = await this.readable(req, projectName, repositoryName, reference);
    const report = /^[0-9a-f-]{36}$/.test(reportId) ? await this.reports.byId(reportId) : null;
    // Only a report of this artifact, or of one of its platforms, is found through its path.
    const mine = new Set([artifact.digest, ...indexChildren(artifact).map((c) => c.digest)]);
    if (!report || !mine.has(report.digest))
      throw notFound(`scan report ${reportId.slice(0, 36)} not found`);
    return report.log;
  }

  /** `{"<mime>": report}`, under the MIME type `X-Accept-Vulnerabilities` asks for. */
  @Get('additions/vulnerabilities')
  async vulnerabilities(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Req() req: FastifyRequest,
  ): Promise<Record<string, unknown>> {
    const artifact = await this.readable(req, projectName, repositoryName, reference);
    const registration = await this.registrations.forProject(projectName);
    const reports = registration
      ? await this.reports.ofDigests([artifact.digest], registration.uuid)
      : [];
    const done = reports.find((r) => r.mimeType === VULNERABILITY_REPORT_MIME && r.report !== '');
    if (!done) throw notFound(`no vulnerability report of ${artifact.digest}`);
    const report = JSON.parse(done.report) as unknown;
    return { [acceptedMime(req)]: report };
  }

  /**
   * The SBOM document an SBOM accessory holds, as Harbor serves it on the accessory's own
   * reference (`sbom_overview.sbom_digest`); 404 for an artifact that is no SBOM.
   */
  @Get('additions/sbom')
  async sbom(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Req() req: FastifyRequest,
  ): Promise<unknown> {
    const artifact = await this.readable(req, projectName, repositoryName, reference);
    const document = sbomDocumentOf(artifact.artifactType, artifact.content);
    if (!document) throw notFound(`${artifact.digest} is not an SBOM`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.content.open(document.digest))
      chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  }

  /** The artifact, after the caller was found allowed to read it. */
  private async readable(
    req: FastifyRequest,
    projectName: string,
    repositoryName: string,
    reference: string,
  ) {
    const caller = await callerOf(this.authenticator, req);
    const { artifact } = await this.scope.artifact(
      caller,
      projectName,
      repositoryName,
      reference,
      'artifact:read',
    );
    return artifact;
  }

  /** The artifact, after the caller was found allowed to scan in its project. */
  private async scannable(
    caller: Principal,
    projectName: string,
    repositoryName: string,
    reference: string,
  ) {
    const project = await this.scope.project(caller, projectName, 'artifact:read');
    requireScanRole(caller, await this.access.roleOf(caller, project), project.name);
    return this.scope.artifact(caller, projectName, repositoryName, reference, 'artifact:read');
  }
}

/** Whether a stop's body names the scan to stop (Harbor's clients send one; curl users may not). */
function namesScanType(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'scan_type' in body;
}

/**
 * The MIME type to answer under: the first of `X-Accept-Vulnerabilities` that Berth serves (both
 * name the same report), else Harbor's default, the adapter's `harbor+json` type.
 */
function acceptedMime(req: FastifyRequest): string {
  const header = req.headers['x-accept-vulnerabilities'];
  const raw = (Array.isArray(header) ? header.join(',') : (header ?? '')).toLowerCase();
  // MIME types carry `; version=…`: split on commas only and compare without spaces.
  const bare = (m: string): string => m.replace(/\s+/g, '').toLowerCase();
  for (const asked of raw.split(',').map(bare)) {
    const known = VULNERABILITY_MIMES.find((m) => bare(m) === asked);
    if (known) return known;
  }
  return HARBOR_VULNERABILITY_MIME;
}
