import {
  Body,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, notFound, parsePaging, type RawQuery } from '@berth/api/domain';
import { IdentityErrorFilter, RequestAuthenticator } from '@berth/identity/domain';
import { AuditPurgeService, type AuditPurgeExecutionEntity } from '@berth/notifications/domain';
import { API_PREFIX, HarborApiController } from '../harbor-api.decorator';
import { setPageHeaders } from '../pagination';
import { callerOf, idParam } from '../projects/project-request';
import { requireSysadmin } from '../system-admin';
import { toPurgeExecHistory, toPurgeScheduleResp, type PurgeExecHistoryResp } from './audit-resp';

const PURGE_PATH = `${API_PREFIX}/system/purgeaudit`;

/** Harbor's `/system/purgeaudit`: audit log retention runs and their schedule, system admins only. */
@UseFilters(IdentityErrorFilter)
@HarborApiController('system/purgeaudit')
export class PurgeAuditController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly purge: AuditPurgeService,
  ) {}

  @Get()
  async list(
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PurgeExecHistoryResp[]> {
    await this.requireAdmin(req);
    const paging = parsePaging(query);
    const { runs, total } = await this.purge.executions(paging.offset, paging.limit);
    setPageHeaders(req, reply, paging, total);
    return runs.map(toPurgeExecHistory);
  }

  @Get('schedule')
  async schedule(@Req() req: FastifyRequest): Promise<PurgeExecHistoryResp> {
    await this.requireAdmin(req);
    const s = await this.purge.schedule();
    return toPurgeScheduleResp(s, this.purge.nextRun(s));
  }

  /** A schedule, or with `schedule.type` `Manual` a purge run now (Location names the run). */
  @Post('schedule')
  @HttpCode(201)
  async createSchedule(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.requireAdmin(req);
    const run = await this.purge.setSchedule(body);
    reply.header('Location', run ? `${PURGE_PATH}/${run.id}` : `${PURGE_PATH}/schedule`);
  }

  @Put('schedule')
  async updateSchedule(@Body() body: unknown, @Req() req: FastifyRequest): Promise<void> {
    await this.requireAdmin(req);
    const type = (body as { schedule?: { type?: unknown } } | null)?.schedule?.type;
    if (type === 'Manual') throw badRequest('a manual purge is started with POST');
    await this.purge.setSchedule(body);
  }

  @Get(':purge_id')
  async get(
    @Param('purge_id') id: string,
    @Req() req: FastifyRequest,
  ): Promise<PurgeExecHistoryResp> {
    await this.requireAdmin(req);
    return toPurgeExecHistory(await this.run(id));
  }

  @Get(':purge_id/log')
  @Header('content-type', 'text/plain; charset=utf-8')
  async log(@Param('purge_id') id: string, @Req() req: FastifyRequest): Promise<string> {
    await this.requireAdmin(req);
    return (await this.run(id)).log;
  }

  private async requireAdmin(req: FastifyRequest): Promise<void> {
    requireSysadmin(await callerOf(this.authenticator, req));
  }

  private async run(id: string): Promise<AuditPurgeExecutionEntity> {
    const run = await this.purge.execution(idParam(id, 'purge execution'));
    if (!run) throw notFound(`purge execution ${id} not found`);
    return run;
  }
}
