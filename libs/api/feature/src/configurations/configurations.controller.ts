import { Body, Get, Put, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { actorOf, IdentityErrorFilter, RequestAuthenticator } from '@berth/identity/domain';
import { SystemConfigurations, type ConfigurationItem } from '@berth/notifications/domain';
import { HarborApiController } from '../harbor-api.decorator';
import { callerOf } from '../projects/project-request';
import { requireSysadmin } from '../system-admin';

/** Harbor's `/configurations`: the settings an admin may read and change at run time. */
@UseFilters(IdentityErrorFilter)
@HarborApiController('configurations')
export class ConfigurationsController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly configurations: SystemConfigurations,
  ) {}

  @Get()
  async get(@Req() req: FastifyRequest): Promise<Record<string, ConfigurationItem>> {
    requireSysadmin(await callerOf(this.authenticator, req));
    return this.configurations.list();
  }

  @Put()
  async update(@Body() body: unknown, @Req() req: FastifyRequest): Promise<void> {
    const admin = requireSysadmin(await callerOf(this.authenticator, req));
    await this.configurations.update(actorOf(admin, req), body);
  }
}
