import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { ScanReportEntity, type ScanStatus } from './scan-report.entity';

/** What asks for a scan of one artifact. */
export interface ScanRequest {
  digest: string;
  repository: string;
  registrationUuid: string;
  mimeType: string;
  requestedBy: string;
  scanAllId?: string;
}

/** How a scan ended. */
export interface ScanOutcome {
  status: Extract<ScanStatus, 'Success' | 'Error'>;
  severity: ScanReportEntity['severity'];
  findings: string;
  summary: string;
  report: string;
  log: string;
}

const ACTIVE: ScanStatus[] = ['Pending', 'Running'];
const EMPTY_SUMMARY = JSON.stringify({ total: 0, fixable: 0, summary: {} });

/**
 * Scan reports: requested (a Pending row, in the caller's transaction), claimed by a scanner
 * with a lease, renewed while it runs, settled once. A row only changes hands through
 * conditional updates, so two scanners never run one scan and a stopped scan stays stopped.
 */
@Injectable()
export class ScanReportRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Makes the artifact's report Pending under a fresh report id, unless a scan of it is already
   * pending or running: then that one stands and `created` is false.
   */
  async request(
    em: EntityManager,
    r: ScanRequest,
  ): Promise<{ report: ScanReportEntity; created: boolean }> {
    const repo = em.getRepository(ScanReportEntity);
    const key = { digest: r.digest, registrationUuid: r.registrationUuid, mimeType: r.mimeType };
    const existing = await repo.findOneBy(key);
    if (existing && ACTIVE.includes(existing.status)) return { report: existing, created: false };
    const now = new Date().toISOString();
    const fresh: ScanReportEntity = {
      reportId: randomUUID(),
      ...key,
      status: 'Pending',
      severity: 'Unknown',
      findings: '[]',
      summary: EMPTY_SUMMARY,
      report: '',
      log: '',
      startTime: null,
      endTime: null,
      repository: r.repository,
      requestedBy: r.requestedBy,
      requestedAt: now,
      scanAllId: r.scanAllId ?? null,
      claim: null,
      leaseUntil: 0,
    };
    if (existing) {
      // Only if still finished: a concurrent request may have made it Pending meanwhile.
      const result = await em
        .createQueryBuilder()
        .update(ScanReportEntity)
        .set(fresh)
        .where({ reportId: existing.reportId })
        .andWhere('status NOT IN (:...active)', { active: ACTIVE })
        .execute();
      if ((result.affected ?? 0) === 0)
        return { report: (await repo.findOneByOrFail(key)) as ScanReportEntity, created: false };
    } else {
      // A concurrent request may have inserted the row first: then that one stands.
      await em
        .createQueryBuilder()
        .insert()
        .into(ScanReportEntity)
        .values(fresh)
        .orIgnore()
        .updateEntity(false)
        .execute();
      const stored = await repo.findOneByOrFail(key);
      return { report: stored, created: stored.reportId === fresh.reportId };
    }
    return { report: fresh, created: true };
  }

  /**
   * Claims up to `limit` due scans for `leaseMs`: pending ones in request order, and running
   * ones whose claimant's lease ran out (it died or hung).
   */
  async claimDue(limit: number, leaseMs: number): Promise<ScanReportEntity[]> {
    if (limit <= 0) return [];
    const now = Date.now();
    const due = "(status = 'Pending' OR (status = 'Running' AND lease_until < :now))";
    const candidates = await this.dataSource
      .getRepository(ScanReportEntity)
      .createQueryBuilder('r')
      .select('r.reportId', 'reportId')
      .where(due.replace(/(status|lease_until)/g, 'r.$1'), { now })
      .orderBy('r.requestedAt', 'ASC')
      .limit(limit)
      .getRawMany<{ reportId: string }>();
    const ids = candidates.map((c) => c.reportId);
    if (ids.length === 0) return [];
    const claim = randomUUID();
    const startTime = new Date(now).toISOString();
    await this.dataSource
      .createQueryBuilder()
      .update(ScanReportEntity)
      .set({ status: 'Running', claim, leaseUntil: now + leaseMs, startTime })
      .where('report_id IN (:...ids)', { ids })
      .andWhere(due, { now })
      .execute();
    return this.dataSource
      .getRepository(ScanReportEntity)
      .find({ where: { reportId: In(ids), claim }, order: { requestedAt: 'ASC' } });
  }

  /** Extends a running scan's lease; false when the scan is no longer this claimant's (stopped, retaken). */
  async renew(reportId: string, claim: string, leaseMs: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(ScanReportEntity)
      .set({ leaseUntil: Date.now() + leaseMs })
      .where({ reportId, claim, status: 'Running' })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Records the outcome, in the caller's transaction, if the claim still holds. */
  async settle(
    em: EntityManager,
    row: Pick<ScanReportEntity, 'reportId' | 'claim'>,
    outcome: ScanOutcome,
  ): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(ScanReportEntity)
      .set({ ...outcome, endTime: new Date().toISOString(), claim: null, leaseUntil: 0 })
      .where({ reportId: row.reportId, claim: row.claim, status: 'Running' })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Writes the finished report of a manifest scanned as part of another scan (a platform of an
   * index) over whatever finished report it had, keeping that row's ids; a scan of it that is
   * pending or running on its own is left to finish.
   */
  async recordPart(
    em: EntityManager,
    r: ScanRequest,
    startTime: string,
    outcome: ScanOutcome,
  ): Promise<void> {
    const key = { digest: r.digest, registrationUuid: r.registrationUuid, mimeType: r.mimeType };
    const now = new Date().toISOString();
    const existing = await em.getRepository(ScanReportEntity).findOneBy(key);
    if (existing) {
      await em
        .createQueryBuilder()
        .update(ScanReportEntity)
        .set({ ...outcome, startTime, endTime: now, repository: r.repository })
        .where({ reportId: existing.reportId })
        .andWhere('status NOT IN (:...active)', { active: ACTIVE })
        .execute();
      return;
    }
    await em
      .createQueryBuilder()
      .insert()
      .into(ScanReportEntity)
      .values({
        reportId: randomUUID(),
        ...key,
        ...outcome,
        startTime,
        endTime: now,
        repository: r.repository,
        requestedBy: r.requestedBy,
        requestedAt: now,
        scanAllId: null,
        claim: null,
        leaseUntil: 0,
      })
      .orIgnore()
      .updateEntity(false)
      .execute();
  }

  /**
   * Stops the artifact's pending or running scans (of one MIME type, if given); returns the
   * reports it stopped.
   */
  async stop(
    em: EntityManager,
    digests: string[],
    registrationUuid: string,
    mimeType?: string,
  ): Promise<ScanReportEntity[]> {
    if (digests.length === 0) return [];
    const active = await em.getRepository(ScanReportEntity).findBy({
      digest: In(digests),
      registrationUuid,
      status: In(ACTIVE),
      ...(mimeType === undefined ? {} : { mimeType }),
    });
    return markStopped(em, active, 'stopped on request');
  }

  /** The reports of these artifacts by one registration, all MIME types. */
  ofDigests(digests: string[], registrationUuid: string): Promise<ScanReportEntity[]> {
    if (digests.length === 0) return Promise.resolve([]);
    return this.dataSource
      .getRepository(ScanReportEntity)
      .findBy({ digest: In(digests), registrationUuid });
  }

  byId(reportId: string): Promise<ScanReportEntity | null> {
    return this.dataSource.getRepository(ScanReportEntity).findOneBy({ reportId });
  }

  /** Counts of a scan-all run's reports by status. */
  async countsOfScanAll(scanAllId: string): Promise<Map<ScanStatus, number>> {
    const rows = await this.dataSource
      .getRepository(ScanReportEntity)
      .createQueryBuilder('r')
      .select('r.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('r.scanAllId = :scanAllId', { scanAllId })
      .groupBy('r.status')
      .getRawMany<{ status: ScanStatus; n: number | string }>();
    return new Map(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** Stops what a scan-all run still has pending or running; returns how many. */
  async stopScanAll(em: EntityManager, scanAllId: string): Promise<ScanReportEntity[]> {
    const active = await em
      .getRepository(ScanReportEntity)
      .findBy({ scanAllId, status: In(ACTIVE) });
    return markStopped(em, active, 'scan all stopped');
  }
}

/** Ends these pending or running reports as `Stopped` (those still active), with `log`. */
async function markStopped(
  em: EntityManager,
  active: ScanReportEntity[],
  log: string,
): Promise<ScanReportEntity[]> {
  if (active.length === 0) return [];
  await em
    .createQueryBuilder()
    .update(ScanReportEntity)
    .set({ status: 'Stopped', claim: null, leaseUntil: 0, endTime: new Date().toISOString(), log })
    .where({ reportId: In(active.map((r) => r.reportId)), status: In(ACTIVE) })
    .execute();
  return active;
}
