import { Module } from '@nestjs/common';
import { IdentityDomainModule } from '@berth/identity/domain';
import { ProjectAuthorizer, ProjectsDomainModule } from '@berth/projects/domain';
import { ScannerRegistrations, ScanningDomainModule } from '@berth/scanning/domain';
import { ProjectScannerController } from './project-scanner.controller';
import { ScannersController } from './scanners.controller';

/** Harbor's scanner registrations and project scanners. Needs `scanningDatabaseParts`. */
@Module({
  imports: [IdentityDomainModule, ProjectsDomainModule, ScanningDomainModule],
  controllers: [ScannersController, ProjectScannerController],
  providers: [ScannerRegistrations, ProjectAuthorizer],
})
export class ScannersApiModule {}
