import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OutboxWriter, createEvent } from '@berth/platform/messaging';
import { ScanReportRepository } from './scan-report.repository';
import { SBOM_REPORT_MIME } from '../sbom/sbom-documents';
import { VULNERABILITY_REPORT_MIME, type ScanReportEntity } from './scan-report.entity';
import { ScannerRegistrationRepository } from './scanner-registration.repository';
import { ScanningSignals } from './scanning-signals';

/** What the scan events say produced them. */
export const SCANNER_EVENT_SOURCE = 'scanner';

export interface RequestScanCommand {
  /** Full repository name, `project/repo`. */
  repository: string;
  digest: string;
  /** A user's name, `auto-scan`, `auto-sbom` or `scan-all`. */
  requestedBy: string;
  scanType?: 'vulnerability' | 'sbom';
  scanAllId?: string;
}

export class ScanRequestError extends Error {
  constructor(
    readonly code: 'NO_SCANNER' | 'UNSUPPORTED',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Asks for a scan (a vulnerability scan or SBOM generation): the artifact's report becomes
 * Pending and `scan.requested` is written to the outbox in the same transaction; a scanner claims
 * the row. A scan already pending or running
 * stands (nothing new is written). Returns the report that will hold the result.
 */
@Injectable()
export class RequestScanUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reports: ScanReportRepository,
    private readonly registrations: ScannerRegistrationRepository,
    private readonly outbox: OutboxWriter,
    private readonly signals: ScanningSignals,
  ) {}

  async execute(c: RequestScanCommand): Promise<{ report: ScanReportEntity; created: boolean }> {
    const result = await this.dataSource.transaction((em) => this.within(em, c));
    if (result.created) this.signals.emit('requested');
    return result;
  }

  /** The same, inside the caller's transaction (scan all requests many at once). */
  async within(
    em: EntityManager,
    c: RequestScanCommand,
  ): Promise<{ report: ScanReportEntity; created: boolean }> {
    const scanType = c.scanType ?? 'vulnerability';
    const registration = await this.registrations.forProject(c.repository.split('/', 1)[0]);
    if (!registration) throw new ScanRequestError('NO_SCANNER', 'no scanner is registered');
    const result = await this.reports.request(em, {
      digest: c.digest,
      repository: c.repository,
      registrationUuid: registration.uuid,
      // SBOM generation is a report of its own beside the vulnerability report, as in Harbor.
      mimeType: scanType === 'sbom' ? SBOM_REPORT_MIME : VULNERABILITY_REPORT_MIME,
      requestedBy: c.requestedBy,
      scanAllId: c.scanAllId,
    });
    if (result.created)
      await this.outbox.append(
        em,
        createEvent(
          'scan.requested',
          {
            project: c.repository.split('/', 1)[0],
            repository: c.repository,
            digest: c.digest,
            reportId: result.report.reportId,
            registration: registration.uuid,
            scanType,
            requestedBy: c.requestedBy,
          },
          SCANNER_EVENT_SOURCE,
        ),
      );
    return result;
  }
}
