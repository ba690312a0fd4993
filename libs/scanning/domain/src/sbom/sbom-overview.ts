import type { ScanReportEntity } from '../reports/scan-report.entity';
import type { SbomReport } from './sbom-documents';

/** Harbor's `sbom_overview` of an artifact: its SBOM generation and the SBOM accessory it made. */
export interface SbomOverview {
  start_time: string;
  end_time: string;
  scan_status: ScanReportEntity['status'];
  /** The SPDX SBOM manifest pushed beside the artifact; absent until generation succeeded. */
  sbom_digest?: string;
  report_id: string;
  /** Seconds. */
  duration: number;
  scanner: { name: string; vendor: string; version: string };
}

/** The overview of an SBOM report row, as Harbor's artifact listings show it. */
export function sbomOverviewOf(
  row: ScanReportEntity,
  scanner: SbomOverview['scanner'],
): SbomOverview {
  const start = row.startTime ?? row.requestedAt;
  const end = row.endTime ?? '';
  const report = row.status === 'Success' && row.report !== '' ? sbomReportOf(row.report) : null;
  return {
    start_time: start,
    end_time: end,
    scan_status: row.status,
    ...(report ? { sbom_digest: report.sbom_digest } : {}),
    report_id: row.reportId,
    duration:
      end === '' ? 0 : Math.max(0, Math.round((Date.parse(end) - Date.parse(start)) / 1000)),
    scanner,
  };
}

/** The SBOM report a row holds. @throws Error when it is not one */
export function sbomReportOf(json: string): SbomReport {
  const parsed = JSON.parse(json) as Partial<SbomReport> | null;
  if (!parsed || typeof parsed.sbom_digest !== 'string' || !Array.isArray(parsed.sboms))
    throw new Error('the SBOM report names no SBOM');
  return parsed as SbomReport;
}
