import { Body, Get, HttpCode, Post, Put, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { badRequest } from '@berth/api/domain';
import { IdentityErrorFilter, RequestAuthenticator } from '@berth/identity/domain';
import { ScanAllService, type ScanAllMetrics } from '@berth/scanning/domain';
import { HarborApiController } from '../harbor-api.decorator';
import { callerOf } from '../projects/project-request';
import { requireSysadmin } from '../system-admin';

/** Harbor's Schedule of scan all. */
export interface ScanAllScheduleResp {
  schedule: { type: string; cron: string; next_scheduled_time?: string };
}

/** Harbor's `/system/scanAll`: scan every image with the default scanner; system admins only. */
@UseFilters(IdentityErrorFilter)
@HarborApiController('system/scanAll')
export class ScanAllController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly scanAll: ScanAllService,
  ) {}

  @Get('schedule')
  async schedule(@Req() req: FastifyRequest): Promise<ScanAllScheduleResp> {
    await this.requireAdmin(req);
    const s = await this.scanAll.schedule();
    const next = this.scanAll.nextRun(s);
    return { schedule: { type: s.type, cron: s.cron, ...(next && { next_scheduled_time: next }) } };
  }

  /** A schedule, or with `schedule.type` `Manual` a scan of everything now. */
  @Post('schedule')
  @HttpCode(201)
  async createSchedule(@Body() body: unknown, @Req() req: FastifyRequest): Promise<void> {
    const admin = await this.requireAdmin(req);
    await this.scanAll.setSchedule(body, admin);
  }

  @Put('schedule')
  async updateSchedule(@Body() body: unknown, @Req() req: FastifyRequest): Promise<void> {
    const admin = await this.requireAdmin(req);
    const type = (body as { schedule?: { type?: unknown } } | null)?.schedule?.type;
    if (type === 'Manual') throw badRequest('a manual scan all is started with POST');
    await this.scanAll.setSchedule(body, admin);
  }

  /** The latest run's progress: how many of its scans ended, by status. */
  @Get('metrics')
  async metrics(@Req() req: FastifyRequest): Promise<ScanAllMetrics> {
    await this.requireAdmin(req);
    return this.scanAll.metrics();
  }

  /** 202 whether or not the latest run had scans left: afterwards it has none. */
  @Post('stop')
  @HttpCode(202)
  async stop(@Req() req: FastifyRequest): Promise<void> {
    await this.requireAdmin(req);
    await this.scanAll.stop();
  }

  private async requireAdmin(req: FastifyRequest): Promise<string> {
    return requireSysadmin(await callerOf(this.authenticator, req)).username;
  }
}
