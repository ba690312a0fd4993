import { Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  parseListQuery,
  parsePaging,
  unauthorized,
  type ListQuerySpec,
  type RawQuery,
} from '@berth/api/domain';
import { IdentityErrorFilter, RequestAuthenticator } from '@berth/identity/domain';
import { AuditLogRepository, type AuditScope } from '@berth/notifications/domain';
import { ProjectAccess, ProjectAuthorizer } from '@berth/projects/domain';
import { HarborApiController } from '../harbor-api.decorator';
import { setPageHeaders } from '../pagination';
import { callerOf } from '../projects/project-request';
import { isoTimeFilters } from '../iso-time-filters';
import { toAuditLogResp, type AuditLogResp } from './audit-resp';

export const AUDIT_LOGS_LIST_QUERY: ListQuerySpec = {
  filters: {
    username: { type: 'string' },
    operation: { type: 'string' },
    resource: { type: 'string' },
    resource_type: { type: 'string' },
    op_time: { type: 'time' },
    operation_result: { type: 'boolean' },
  },
  sorts: ['op_time', 'username', 'operation', 'resource', 'resource_type', 'id'],
};

/**
 * Harbor's audit log lists. A system admin sees every row; another signed-in caller the rows
 * of the projects where they hold `log:list` (robots hold no project role: none).
 */
@UseFilters(IdentityErrorFilter)
@HarborApiController()
export class AuditLogsController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly authorizer: ProjectAuthorizer,
    private readonly access: ProjectAccess,
    private readonly auditLog: AuditLogRepository,
  ) {}

  @Get('audit-logs')
  async list(
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuditLogResp[]> {
    const caller = await callerOf(this.authenticator, req);
    if (caller.kind === 'anonymous') throw unauthorized('authentication required');
    const scope: AuditScope =
      caller.kind === 'user' && caller.sysadmin
        ? { all: true }
        : { all: false, projectIds: await this.access.memberProjectIds(caller, 'log:list') };
    return this.page(scope, query, req, reply);
  }

  @Get('projects/:project_name/logs')
  async projectLogs(
    @Param('project_name') projectName: string,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuditLogResp[]> {
    const caller = await callerOf(this.authenticator, req);
    const project = await this.authorizer.require(
      caller,
      { nameOrId: projectName, isResourceName: true },
      'log:list',
    );
    return this.page({ all: false, projectIds: [project.id] }, query, req, reply);
  }

  private async page(
    scope: AuditScope,
    query: RawQuery,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<AuditLogResp[]> {
    const paging = parsePaging(query);
    const list = isoTimeFilters(parseListQuery(query, AUDIT_LOGS_LIST_QUERY));
    const { logs, total } = await this.auditLog.list(scope, list, paging);
    setPageHeaders(req, reply, paging, total);
    return logs.map(toAuditLogResp);
  }
}
