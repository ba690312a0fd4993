import { Module } from '@nestjs/common';
import type { DataSourceParts } from '@berth/platform/database';
import { RobotRepository, TypeOrmRobotRepository } from '@berth/identity/domain';
import { ProjectsDomainModule } from '@berth/projects/domain';
import { AdapterScanJobs } from '../adapter/adapter-scan-jobs';
import { ExternalScanRunner } from '../adapter/external-scan';
import { RegistryContent } from '../service/registry-content';
import { SCAN_ENGINE, osvScanEngine } from '../service/scan-engine';
import { ScanExecutor } from '../service/scan-executor';
import { SbomPublisher } from '../sbom/sbom-publisher';
import { VulnerabilityDatabaseHolder } from '../service/vulnerability-database.holder';
import { Scanning1764000030000 } from './migrations/1764000030000-scanning';
import { RequestScanUseCase } from './request-scan.usecase';
import { ScanAllService } from './scan-all.service';
import { ScanOnPushUseCase } from './scan-on-push.usecase';
import { ScanReportEntity } from './scan-report.entity';
import { ScanReportRepository } from './scan-report.repository';
import { ScannerRegistrationEntity } from './scanner-registration.entity';
import { ScannerRegistrationRepository } from './scanner-registration.repository';
import { ScanningSignals } from './scanning-signals';
import { StopScanUseCase } from './stop-scan.usecase';

/** Scanner registrations and scan reports. */
export const scanningDatabaseParts: DataSourceParts = {
  entities: [ScannerRegistrationEntity, ScanReportEntity],
  migrations: [Scanning1764000030000],
};

const providers = [
  ScanReportRepository,
  ScannerRegistrationRepository,
  ScanningSignals,
  RegistryContent,
  RequestScanUseCase,
  StopScanUseCase,
  ScanAllService,
];

/**
 * Asking for scans, stopping them, scan all and reading reports: what the API and the
 * scanner's consumers need. Reads the registry's `manifest` and `repository` tables and needs
 * OutboxWriter (global) and BLOB_STORE.
 */
@Module({ providers, exports: providers })
export class ScanningDomainModule {}

const workers = [
  { provide: SCAN_ENGINE, useValue: osvScanEngine },
  VulnerabilityDatabaseHolder,
  ScanExecutor,
  SbomPublisher,
  ScanOnPushUseCase,
  // External adapters (scan robots are made and removed here) and the adapter API's scans.
  { provide: RobotRepository, useClass: TypeOrmRobotRepository },
  ExternalScanRunner,
  AdapterScanJobs,
];

/** What the scanner runs: scan on push, the scan executor and the database it matches against. */
@Module({
  imports: [ScanningDomainModule, ProjectsDomainModule],
  providers: workers,
  exports: [
    ScanningDomainModule,
    VulnerabilityDatabaseHolder,
    ScanExecutor,
    ScanOnPushUseCase,
    AdapterScanJobs,
  ],
})
export class ScanningWorkersModule {}
