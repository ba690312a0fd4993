import { Module } from '@nestjs/common';
import { IdentityDomainModule } from '@berth/identity/domain';
import { ApiRouteTable } from './api-route-table';
import { FallbackController } from './fallback.controller';
import { HealthController } from './health.controller';
import { OpenApiController } from './openapi.controller';
import { PingController } from './ping.controller';
import { SessionCsrfHeader } from './session-csrf.header';
import { SystemInfoController } from './systeminfo.controller';
import { ProjectsApiModule } from './projects/projects-api.module';
import { RobotsApiModule } from './robots/robots-api.module';
import { UsersApiModule } from './users/users-api.module';
import { RepositoriesApiModule } from './repositories/repositories-api.module';
import { AuditApiModule } from './audit/audit-api.module';
import { ConfigurationsApiModule } from './configurations/configurations-api.module';
import { WebhooksApiModule } from './webhooks/webhooks-api.module';
import { ScansApiModule } from './scans/scans-api.module';
import { ScannersApiModule } from './scanners/scanners-api.module';
import { SystemCveAllowlistApiModule } from './system-cve-allowlist/system-cve-allowlist-api.module';

/** The Harbor-compatible management API under /api/v2.0. */
@Module({
  imports: [
    // For the systeminfo route's scanner interceptor (it tells signed-in users apart).
    IdentityDomainModule,
    UsersApiModule,
    ProjectsApiModule,
    RepositoriesApiModule,
    RobotsApiModule,
    WebhooksApiModule,
    AuditApiModule,
    ConfigurationsApiModule,
    ScansApiModule,
    ScannersApiModule,
    SystemCveAllowlistApiModule,
  ],
  controllers: [
    PingController,
    HealthController,
    SystemInfoController,
    OpenApiController,
    // Last, so its wildcard is declared after every real route (Fastify prefers static anyway).
    FallbackController,
  ],
  providers: [ApiRouteTable, SessionCsrfHeader],
  exports: [ApiRouteTable],
})
export class ApiFeatureModule {}
