import { Body, Get, Param, Put, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, notFound, parsePaging, type RawQuery } from '@berth/api/domain';
import { IdentityErrorFilter, RequestAuthenticator } from '@berth/identity/domain';
import { ProjectAuthorizer, ProjectRepository, type ProjectAction } from '@berth/projects/domain';
import {
  PROJECT_SCANNER_METADATA,
  ScannerRegistrationRepository,
  ScannerRegistrations,
} from '@berth/scanning/domain';
import { HarborApiController } from '../harbor-api.decorator';
import { setPageHeaders } from '../pagination';
import { callerOf, objectBody, projectRef } from '../projects/project-request';
import {
  toScannerRegistrationResp,
  type ScannerRegistrationResp,
} from './scanner-registration-resp';

/**
 * Harbor's `/projects/{p}/scanner`: which registration scans the project's artifacts (its own
 * choice, else the default) and the registrations it may choose from. Members read the choice;
 * project admins set it.
 */
@UseFilters(IdentityErrorFilter)
@HarborApiController('projects/:project_name_or_id/scanner')
export class ProjectScannerController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly authorizer: ProjectAuthorizer,
    private readonly projects: ProjectRepository,
    private readonly registrations: ScannerRegistrations,
    private readonly chosen: ScannerRegistrationRepository,
  ) {}

  @Get()
  async get(
    @Param('project_name_or_id') p: string,
    @Req() req: FastifyRequest,
  ): Promise<ScannerRegistrationResp> {
    const project = await this.project(p, req, 'project:read');
    const registration = await this.chosen.forProject(project.name);
    if (!registration) throw notFound('no scanner is registered');
    return toScannerRegistrationResp(registration);
  }

  @Put()
  async set(
    @Param('project_name_or_id') p: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const project = await this.project(p, req, 'project:update');
    const uuid = objectBody(body).uuid;
    if (typeof uuid !== 'string' || uuid === '') throw badRequest('uuid is required');
    const registration = await this.registrations.get(uuid).catch(() => {
      throw badRequest(`scanner registration ${uuid.slice(0, 64)} does not exist`);
    });
    if (registration.disabled) throw badRequest(`scanner ${registration.name} is disabled`);
    await this.projects.setMetadata(project.id, { [PROJECT_SCANNER_METADATA]: registration.uuid });
  }

  @Get('candidates')
  async candidates(
    @Param('project_name_or_id') p: string,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ScannerRegistrationResp[]> {
    await this.project(p, req, 'project:update');
    const paging = parsePaging(query);
    const { rows, total } = await this.registrations.enabled(paging);
    setPageHeaders(req, reply, paging, total);
    return rows.map((r) => toScannerRegistrationResp(r));
  }

  private async project(p: string, req: FastifyRequest, action: ProjectAction) {
    const caller = await callerOf(this.authenticator, req);
    return this.authorizer.require(caller, projectRef(p, req), action);
  }
}
