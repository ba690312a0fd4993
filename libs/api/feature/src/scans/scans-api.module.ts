import { Module } from '@nestjs/common';
import { ArtifactsDomainModule } from '@berth/artifacts/domain';
import { IdentityDomainModule } from '@berth/identity/domain';
import { ProjectsDomainModule } from '@berth/projects/domain';
import { ScanningDomainModule } from '@berth/scanning/domain';
import { RepositoryScope } from '../repositories/repository-scope';
import { ScanAllController } from './scan-all.controller';
import { ScansController } from './scans.controller';

/**
 * Harbor's scan endpoints and scan all (the overviews artifact listings carry are added by
 * `ArtifactScanOverviewInterceptor` on those routes). The app
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
  providers: [RepositoryScope],
})
export class ScansApiModule {}
