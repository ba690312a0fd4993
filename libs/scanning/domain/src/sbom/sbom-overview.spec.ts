import { describe, expect, it } from 'vitest';
import type { ScanReportEntity } from '../reports/scan-report.entity';
import { SBOM_REPORT_MIME } from './sbom-documents';
import { sbomOverviewOf } from './sbom-overview';

const SCANNER = { name: 'Berth', vendor: 'Berth', version: '1.0.0' };
const SBOM_DIGEST = `sha256:${'c'.repeat(64)}`;

const row = (over: Partial<ScanReportEntity>): ScanReportEntity => ({
  reportId: '00000000-0000-4000-8000-000000000002',
  digest: `sha256:${'a'.repeat(64)}`,
  registrationUuid: 'r',
  mimeType: SBOM_REPORT_MIME,
  status: 'Pending',
  severity: 'Unknown',
  findings: '[]',
  summary: '{}',
  report: '',
  log: '',
  startTime: null,
  endTime: null,
  repository: 'library/app',
  requestedBy: 'admin',
  requestedAt: '2026-01-01T00:00:00.000Z',
  scanAllId: null,
  claim: null,
  leaseUntil: 0,
  ...over,
});

describe('SBOM overview', () => {
  it("names the SPDX SBOM's digest and the duration once generation succeeded", () => {
    const overview = sbomOverviewOf(
      row({
        status: 'Success',
        startTime: '2026-01-01T00:00:01.000Z',
        endTime: '2026-01-01T00:00:04.000Z',
        report: JSON.stringify({ sbom_digest: SBOM_DIGEST, sboms: [] }),
      }),
      SCANNER,
    );
    expect(overview).toEqual({
      start_time: '2026-01-01T00:00:01.000Z',
      end_time: '2026-01-01T00:00:04.000Z',
      scan_status: 'Success',
      sbom_digest: SBOM_DIGEST,
      report_id: '00000000-0000-4000-8000-000000000002',
      duration: 3,
      scanner: SCANNER,
    });
  });

  it('has no SBOM digest while pending or after an error', () => {
    const pending = sbomOverviewOf(row({}), SCANNER);
    expect(pending).toMatchObject({ scan_status: 'Pending', duration: 0, end_time: '' });
    expect(pending.start_time).toBe('2026-01-01T00:00:00.000Z');
    expect(pending).not.toHaveProperty('sbom_digest');
    const failed = sbomOverviewOf(
      row({ status: 'Error', endTime: '2026-01-01T00:00:02.000Z' }),
      SCANNER,
    );
    expect(failed).not.toHaveProperty('sbom_digest');
  });
});
