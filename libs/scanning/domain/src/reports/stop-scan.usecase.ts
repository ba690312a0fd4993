import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxWriter, createEvent } from '@berth/platform/messaging';
import { SCAN_STOPPED_REASON } from '@berth/contracts';
import type { ScanReportEntity } from './scan-report.entity';
import { ScanReportRepository } from './scan-report.repository';
import { ScannerRegistrationRepository } from './scanner-registration.repository';
import { SBOM_REPORT_MIME } from '../sbom/sbom-documents';
import { SCANNER_EVENT_SOURCE } from './request-scan.usecase';
import { VULNERABILITY_REPORT_MIME } from './scan-report.entity';

/** Why a stopped scan did not finish, as its `scan.failed` says. */
export const STOPPED_REASON = SCAN_STOPPED_REASON;

/**
 * Stops an artifact's pending or running scan: the row becomes Stopped (the scanner running it
 * notices at its next lease renewal and drops its result) and `scan.failed` says why.
 * Returns the reports stopped; none when nothing was running.
 */
@Injectable()
export class StopScanUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reports: ScanReportRepository,
    private readonly registrations: ScannerRegistrationRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * `projectName`: stop the scan by the project's scanner rather than the default one;
   * `scanType`: stop only the vulnerability scan or only the SBOM generation (else both).
   */
  async execute(
    digest: string,
    projectName?: string,
    scanType?: 'vulnerability' | 'sbom',
  ): Promise<ScanReportEntity[]> {
    const registration = projectName
      ? await this.registrations.forProject(projectName)
      : await this.registrations.defaultRegistration();
    if (!registration) return [];
    return this.dataSource.transaction(async (em) => {
      const mimeType =
        scanType === undefined
          ? undefined
          : scanType === 'sbom'
            ? SBOM_REPORT_MIME
            : VULNERABILITY_REPORT_MIME;
      const stopped = await this.reports.stop(em, [digest], registration.uuid, mimeType);
      for (const r of stopped) await announceStopped(this.outbox, em, r);
      return stopped;
    });
  }
}

/** `scan.failed` for a scan stopped before it finished. */
export async function announceStopped(
  outbox: OutboxWriter,
  em: Parameters<OutboxWriter['append']>[0],
  r: ScanReportEntity,
): Promise<void> {
  await outbox.append(
    em,
    createEvent(
      'scan.failed',
      {
        project: r.repository.split('/', 1)[0],
        repository: r.repository,
        digest: r.digest,
        reportId: r.reportId,
        registration: r.registrationUuid,
        scanType: r.mimeType === SBOM_REPORT_MIME ? 'sbom' : 'vulnerability',
        requestedBy: r.requestedBy,
        reason: STOPPED_REASON,
      },
      SCANNER_EVENT_SOURCE,
    ),
  );
}
