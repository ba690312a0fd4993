import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ArtifactsDomainModule } from '@berth/artifacts/domain';
import { IdentityDomainModule } from '@berth/identity/domain';
import { ProjectsDomainModule } from '@berth/projects/domain';
import { ScanningDomainModule } from '@berth/scanning/domain';
import { RepositoryScope } from '../repositories/repository-scope';
import { ScanAllController } from './scan-all.controller';
import { ScanOverviewInterceptor } from './scan-overview.interceptor';
import { ScansController } from './scans.controller';

/**
 * Harbor's scan endpoints, scan all, and the scan overviews artifact listings carry. The app
 * needs `scanningDatabaseParts`; scans requested here are run by the scanner service.
 */
@Module({
  imports: [
    IdentityDomainModule,
    ProjectsDomainModule,
    ArtifactsDomainModule,
    ScanningDomainModule,
  ],
  controllers: [ScansController, ScanAllController],
  providers: [RepositoryScope, { provide: APP_INTERCEPTOR, useClass: ScanOverviewInterceptor }],
})
export class ScansApiModule {}
