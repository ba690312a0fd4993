import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Severity } from '../severity/cvss3';

/** Harbor's scan states. */
export type ScanStatus = 'Pending' | 'Running' | 'Success' | 'Error' | 'Stopped';

/** Harbor's vulnerability report MIME type, version 1.1: what reports are stored as. */
export const VULNERABILITY_REPORT_MIME =
  'application/vnd.security.vulnerability.report; version=1.1';
/** The older name Harbor's clients may ask for (`X-Accept-Vulnerabilities`); same document. */
export const HARBOR_VULNERABILITY_MIME =
  'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0';

const bigint = {
  to: (v: number) => v,
  from: (v: string | number) => Number(v),
};

/**
 * The newest scan of one artifact (by digest, in any repository) by one scanner registration,
 * one row per report MIME type. An index has a row of its own, whose report is the union of its
 * platform manifests' reports; each platform manifest has its own row as well. `findings`,
 * `severity` and `summary` are kept beside the full report for readers that need no more (the
 * vulnerability gate, scan overviews).
 */
@Entity('scan_report')
export class ScanReportEntity {
  @PrimaryColumn({ name: 'report_id', type: 'varchar', length: 36 })
  reportId!: string;

  @Column({ type: 'varchar', length: 160 })
  digest!: string;

  @Column({ name: 'registration_uuid', type: 'varchar', length: 36 })
  registrationUuid!: string;

  @Column({ name: 'mime_type', type: 'varchar', length: 128 })
  mimeType!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ScanStatus;

  /** The highest severity found; `None` without findings, `Unknown` before a scan succeeded. */
  @Column({ type: 'varchar', length: 16 })
  severity!: Severity;

  /** `[[id, severity], …]`, compact, for the gate. */
  @Column({ type: 'text' })
  findings!: string;

  /** `{total, fixable, summary: {Critical: n, …}}` as JSON. */
  @Column({ type: 'text' })
  summary!: string;

  /** The Harbor vulnerability report as JSON; `''` until a scan succeeded. */
  @Column({ type: 'text' })
  report!: string;

  /** What the scan did, in a few lines; on error, why. */
  @Column({ type: 'text' })
  log!: string;

  @Column({ name: 'start_time', type: 'varchar', length: 32, nullable: true })
  startTime!: string | null;

  @Column({ name: 'end_time', type: 'varchar', length: 32, nullable: true })
  endTime!: string | null;

  /** The repository (full name) the latest request named: where the blobs are read and events point. */
  @Column({ type: 'varchar', length: 255 })
  repository!: string;

  @Column({ name: 'requested_by', type: 'varchar', length: 255 })
  requestedBy!: string;

  @Column({ name: 'requested_at', type: 'varchar', length: 32 })
  requestedAt!: string;

  /** The scan-all run that asked for this scan, if one did. */
  @Column({ name: 'scan_all_id', type: 'varchar', length: 36, nullable: true })
  scanAllId!: string | null;

  /** Random per claim: which scanner holds the running scan. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  claim!: string | null;

  /** Unix ms until which a running scan belongs to its claimant; then another may take it. */
  @Column({ name: 'lease_until', type: 'bigint', transformer: bigint, default: 0 })
  leaseUntil!: number;
}
