import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import {
  createDataSource,
  mergeParts,
  platformDatabaseParts,
  runMigrations,
} from '@berth/platform/database';
import { OutboxWriter, messagingDatabaseParts } from '@berth/platform/messaging';
import type { BlobStore } from '@berth/platform/storage';
import { RegistryContent } from '../service/registry-content';
import { RequestScanUseCase } from './request-scan.usecase';
import { ScanAllService } from './scan-all.service';
import { ScanReportRepository } from './scan-report.repository';
import { ScannerRegistrationRepository } from './scanner-registration.repository';
import { scanningDatabaseParts } from './scanning-domain.module';
import { ScanningSignals } from './scanning-signals';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const digest = (n: number): string => `sha256:${String(n).padStart(64, '0')}`;

/** Scan all over a registry of four manifests, of which the image and the index are scanned. */
describe('scan all', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-scan-all-'));
  let ds: DataSource;
  let reports: ScanReportRepository;
  const serviceOf = (): ScanAllService => {
    const signals = new ScanningSignals();
    const outbox = new OutboxWriter();
    return new ScanAllService(
      ds,
      new RegistryContent(ds, {} as BlobStore),
      new RequestScanUseCase(ds, reports, new ScannerRegistrationRepository(ds), outbox, signals),
      reports,
      outbox,
      signals,
    );
  };

  beforeAll(async () => {
    ds = createDataSource(
      { kind: 'sqlite', file: path.join(dir, 'berth.db') },
      mergeParts(platformDatabaseParts, messagingDatabaseParts, scanningDatabaseParts),
    );
    await ds.initialize();
    await runMigrations(ds);
    reports = new ScanReportRepository(ds);
    // The projects' and the registry's tables as far as scan all reads them.
    await ds.query(
      'CREATE TABLE project (project_id integer PRIMARY KEY, name varchar, deleted boolean)',
    );
    await ds.query(
      'CREATE TABLE project_metadata (project_id integer, name varchar, value varchar)',
    );
    await ds.query("INSERT INTO project VALUES (1, 'library', false)");
    await ds.query('CREATE TABLE repository (repository_id integer PRIMARY KEY, name varchar)');
    await ds.query(
      'CREATE TABLE manifest (manifest_id integer PRIMARY KEY, repository_id integer, digest varchar, media_type varchar, artifact_type varchar, subject_digest varchar, content text)',
    );
    await ds.query("INSERT INTO repository VALUES (1, 'library/app')");
    const rows: Array<[number, string, string | null, string | null]> = [
      [1, OCI_MANIFEST, 'application/vnd.oci.image.config.v1+json', null],
      [2, 'application/vnd.oci.image.index.v1+json', null, null],
      [3, OCI_MANIFEST, 'application/vnd.cncf.helm.config.v1+json', null],
      [4, OCI_MANIFEST, 'application/vnd.dev.cosign.artifact.sig.v1+json', digest(1)],
    ];
    for (const [n, mediaType, artifactType, subject] of rows)
      await ds.query('INSERT INTO manifest VALUES (?, 1, ?, ?, ?, ?, ?)', [
        n,
        digest(n),
        mediaType,
        artifactType,
        subject,
        '{}',
      ]);
  });
  afterAll(async () => {
    await ds?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks for a scan of every image and index, once, and counts the run', async () => {
    const scanAll = serviceOf();
    const run = await scanAll.run('Manual', 'admin');
    expect(run.requested).toBe(2);
    const requested = await ds.query('SELECT digest, scan_all_id FROM scan_report');
    expect(requested).toEqual(
      expect.arrayContaining([
        { digest: digest(1), scan_all_id: run.id },
        { digest: digest(2), scan_all_id: run.id },
      ]),
    );
    expect(requested).toHaveLength(2);
    expect(await scanAll.metrics()).toEqual({
      total: 2,
      completed: 0,
      metrics: { Pending: 2 },
      requester: 'admin',
      ongoing: true,
      trigger: 'Manual',
    });
    // Scans still waiting are not asked for again.
    expect((await scanAll.run('Manual', 'admin')).requested).toBe(0);
  });

  it('stops what the latest run has left', async () => {
    const scanAll = serviceOf();
    await scanAll.run('Manual', 'admin');
    expect(await scanAll.stop()).toBe(false); // the second run above asked for nothing
    await ds.query("UPDATE scan_report SET status = 'Success'");
    const run = await scanAll.run('Manual', 'ops');
    expect(run.requested).toBe(2);
    expect(await scanAll.stop()).toBe(true);
    expect(await scanAll.metrics()).toMatchObject({
      total: 2,
      completed: 2,
      metrics: { Stopped: 2 },
      ongoing: false,
    });
  });

  it('fires a schedule once per minute it matches, whichever scanner looks first', async () => {
    await ds.query("UPDATE scan_report SET status = 'Success'");
    const [a, b] = [serviceOf(), serviceOf()];
    await a.setSchedule({ schedule: { type: 'Hourly' } }, 'admin');
    expect(await a.schedule()).toEqual({ type: 'Hourly', cron: '0 0 * * * *' });
    await a.tick(new Date('2026-05-01T10:30:00Z'));
    expect((await a.latestRun())?.trigger).toBe('Manual');
    await Promise.all([
      a.tick(new Date('2026-05-01T11:00:10Z')),
      b.tick(new Date('2026-05-01T11:00:40Z')),
    ]);
    const run = await a.latestRun();
    expect(run).toMatchObject({ trigger: 'Schedule', requester: 'scheduler', requested: 2 });
    await b.tick(new Date('2026-05-01T11:00:50Z'));
    expect((await a.latestRun())?.id).toBe(run?.id);
  });

  it('refuses a schedule it cannot keep', async () => {
    await expect(
      serviceOf().setSchedule({ schedule: { type: 'Custom' } }, 'admin'),
    ).rejects.toThrow(/cron is required/);
    await expect(
      serviceOf().setSchedule({ schedule: { type: 'Custom', cron: '* * *' } }, 'admin'),
    ).rejects.toThrow(/6 fields/);
    await expect(serviceOf().setSchedule({ schedule: { type: 'Often' } }, 'admin')).rejects.toThrow(
      /schedule.type must be one of/,
    );
  });
});
