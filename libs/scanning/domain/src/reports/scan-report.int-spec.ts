import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import type { DatabaseSettings } from '@berth/platform/config';
import {
  createDataSource,
  mergeParts,
  platformDatabaseParts,
  runMigrations,
} from '@berth/platform/database';
import { ensureDependencies } from '@berth/platform/testing';
import { ScanReportRepository, type ScanOutcome, type ScanRequest } from './scan-report.repository';
import { VULNERABILITY_REPORT_MIME } from './scan-report.entity';
import { BUILTIN_REGISTRATION_UUID } from './scanner-registration.entity';
import { ScannerRegistrationRepository } from './scanner-registration.repository';
import { scanningDatabaseParts } from './scanning-domain.module';

const digest = (n: number): string => `sha256:${String(n).padStart(64, '0')}`;
const request = (n: number): ScanRequest => ({
  digest: digest(n),
  repository: 'library/app',
  registrationUuid: BUILTIN_REGISTRATION_UUID,
  mimeType: VULNERABILITY_REPORT_MIME,
  requestedBy: 'admin',
});
const success: ScanOutcome = {
  status: 'Success',
  severity: 'High',
  findings: '[["CVE-2024-0001","High"]]',
  summary: '{"total":1,"fixable":1,"summary":{"High":1}}',
  report: '{}',
  log: 'ok',
};

/** The scan report table's life cycle, written once and run on SQLite and PostgreSQL. */
function reportSuite(name: string, settings: () => DatabaseSettings): void {
  describe(`scan reports on ${name}`, () => {
    let ds: DataSource;
    let reports: ScanReportRepository;

    beforeAll(async () => {
      ds = createDataSource(settings(), mergeParts(platformDatabaseParts, scanningDatabaseParts));
      await ds.initialize();
      await runMigrations(ds);
      reports = new ScanReportRepository(ds);
    });
    afterAll(() => ds?.destroy());

    it('seeds the built-in scanner as the default registration', async () => {
      const r = await new ScannerRegistrationRepository(ds).defaultRegistration();
      expect(r).toMatchObject({
        uuid: BUILTIN_REGISTRATION_UUID,
        name: 'Berth',
        isDefault: true,
        disabled: false,
        immutable: true,
      });
    });

    it('keeps one pending scan per artifact: a second request while it waits adds nothing', async () => {
      const first = await ds.transaction((em) => reports.request(em, request(1)));
      const again = await ds.transaction((em) => reports.request(em, request(1)));
      expect(first.created).toBe(true);
      expect(first.report.status).toBe('Pending');
      expect(again).toMatchObject({ created: false, report: { reportId: first.report.reportId } });
    });

    it('gives each pending scan to one of two scanners claiming at once', async () => {
      for (const n of [10, 11, 12, 13, 14, 15])
        await ds.transaction((em) => reports.request(em, request(n)));
      const [a, b] = await Promise.all([
        reports.claimDue(10, 60_000),
        reports.claimDue(10, 60_000),
      ]);
      const ids = [...a, ...b].map((r) => r.reportId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThanOrEqual(7); // request(1)'s row and the six above
      expect([...a, ...b].every((r) => r.status === 'Running' && r.startTime !== null)).toBe(true);
      expect(await reports.claimDue(10, 60_000)).toEqual([]);
      for (const r of [...a, ...b]) await ds.transaction((em) => reports.settle(em, r, success));
    });

    it('retakes a scan whose scanner stopped renewing its lease; the first one can no longer settle it', async () => {
      await ds.transaction((em) => reports.request(em, request(20)));
      const [dead] = await reports.claimDue(1, 1);
      await new Promise((r) => setTimeout(r, 20));
      const [alive] = await reports.claimDue(1, 60_000);
      expect(alive.reportId).toBe(dead.reportId);
      expect(alive.claim).not.toBe(dead.claim);
      expect(await reports.renew(dead.reportId, dead.claim!, 60_000)).toBe(false);
      expect(await ds.transaction((em) => reports.settle(em, dead, success))).toBe(false);
      expect(await ds.transaction((em) => reports.settle(em, alive, success))).toBe(true);
      expect(await reports.byId(alive.reportId)).toMatchObject({
        status: 'Success',
        severity: 'High',
        claim: null,
      });
    });

    it('stops a running scan for good: its scanner loses the lease and cannot settle it', async () => {
      await ds.transaction((em) => reports.request(em, request(30)));
      const [running] = await reports.claimDue(1, 60_000);
      const stopped = await ds.transaction((em) =>
        reports.stop(em, [digest(30)], BUILTIN_REGISTRATION_UUID),
      );
      expect(stopped.map((r) => r.reportId)).toEqual([running.reportId]);
      expect(await reports.renew(running.reportId, running.claim!, 60_000)).toBe(false);
      expect(await ds.transaction((em) => reports.settle(em, running, success))).toBe(false);
      expect((await reports.byId(running.reportId))?.status).toBe('Stopped');
    });

    it('scans a scanned artifact again under a new report id', async () => {
      const [done] = await reports.ofDigests([digest(20)], BUILTIN_REGISTRATION_UUID);
      expect(done.status).toBe('Success');
      const again = await ds.transaction((em) => reports.request(em, request(20)));
      expect(again.created).toBe(true);
      expect(again.report.reportId).not.toBe(done.reportId);
      expect(await reports.byId(done.reportId)).toBeNull();
      expect((await reports.ofDigests([digest(20)], BUILTIN_REGISTRATION_UUID))[0]).toMatchObject({
        status: 'Pending',
        severity: 'Unknown',
      });
    });

    it('counts a scan-all run by status', async () => {
      for (const n of [40, 41])
        await ds.transaction((em) => reports.request(em, { ...request(n), scanAllId: 'run-1' }));
      const claimed = await reports.claimDue(10, 60_000);
      const one = claimed.find((r) => r.scanAllId === 'run-1')!;
      await ds.transaction((em) => reports.settle(em, one, success));
      const counts = await reports.countsOfScanAll('run-1');
      expect(Object.fromEntries(counts)).toEqual({ Success: 1, Running: 1 });
    });
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-scan-reports-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
reportSuite('SQLite', () => ({ kind: 'sqlite', file: path.join(dir, 'berth.db') }));

describe('on PostgreSQL', () => {
  let adminUrl = '';
  const database = `berth_scans_${Math.random().toString(36).slice(2, 8)}`;
  beforeAll(async () => {
    adminUrl = ensureDependencies(['postgres']).DATABASE_URL;
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`CREATE DATABASE ${database}`);
    await pg.end();
  }, 300_000);
  afterAll(async () => {
    if (!adminUrl) return;
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await pg.end();
  });
  reportSuite('PostgreSQL', () => ({
    kind: 'postgres',
    url: adminUrl.replace(/\/[^/]+$/, `/${database}`),
    poolSize: 4,
  }));
});
