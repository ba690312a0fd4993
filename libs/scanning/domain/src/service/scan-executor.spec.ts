import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { DataSource } from 'typeorm';
import type { BerthConfig } from '@berth/platform/config';
import type { OutboxWriter } from '@berth/platform/messaging';
import { ScanInputError } from '../layers/layer-walker';
import type { ImageInventory } from '../layers/image-inventory';
import { VULNERABILITY_REPORT_MIME, type ScanReportEntity } from '../reports/scan-report.entity';
import type { ScanOutcome, ScanReportRepository } from '../reports/scan-report.repository';
import { BUILTIN_REGISTRATION_UUID } from '../reports/scanner-registration.entity';
import { ScanningSignals } from '../reports/scanning-signals';
import type { RegistryContent, StoredManifest } from './registry-content';
import type { ScanEngine } from './scan-engine';
import { ScanExecutor } from './scan-executor';
import type { VulnerabilityDatabaseHolder } from './vulnerability-database.holder';
import { SBOM_REPORT_MIME, type SbomReport } from '../sbom/sbom-documents';
import type { SbomManifestResult } from '../sbom/sbom-manifest';
import type { SbomPublisher } from '../sbom/sbom-publisher';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE: StoredManifest = {
  digest: DIGEST,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  artifactType: 'application/vnd.oci.image.config.v1+json',
  subjectDigest: null,
  content: JSON.stringify({ schemaVersion: 2, layers: [] }),
};
const ROW: ScanReportEntity = {
  reportId: '00000000-0000-4000-8000-000000000001',
  digest: DIGEST,
  registrationUuid: BUILTIN_REGISTRATION_UUID,
  mimeType: VULNERABILITY_REPORT_MIME,
  status: 'Running',
  severity: 'Unknown',
  findings: '[]',
  summary: '{}',
  report: '',
  log: '',
  startTime: new Date().toISOString(),
  endTime: null,
  repository: 'library/app',
  requestedBy: 'admin',
  requestedAt: new Date().toISOString(),
  scanAllId: null,
  claim: 'claim-1',
  leaseUntil: Date.now() + 60_000,
};
const EMPTY: ImageInventory = { packages: [], layers: 1, notes: [] };

/** An executor over fakes: what it settles and announces is recorded. */
function executorWith(
  engine: Partial<ScanEngine>,
  timeoutMs = 5000,
  sboms?: { publish: (repository: string, built: SbomManifestResult) => Promise<void> },
  manifestOf: (digest: string) => StoredManifest = (digest) => ({ ...IMAGE, digest }),
) {
  const settled: ScanOutcome[] = [];
  const events: Array<{ type: string; data: Record<string, unknown> }> = [];
  const reports = {
    settle: vi.fn(async (_em: unknown, _row: unknown, outcome: ScanOutcome) => {
      settled.push(outcome);
      return true;
    }),
    renew: vi.fn(async () => true),
    recordPart: vi.fn(async () => undefined),
  };
  const executor = new ScanExecutor(
    { transaction: (work: (em: unknown) => Promise<unknown>) => work({}) } as unknown as DataSource,
    reports as unknown as ScanReportRepository,
    {
      manifest: async (_repository: string, digest: string) => manifestOf(digest),
      open: async () => Readable.from([]),
    } as unknown as RegistryContent,
    { current: () => undefined } as unknown as VulnerabilityDatabaseHolder,
    {
      append: async (_em: unknown, e: { type: string; data: Record<string, unknown> }) => {
        events.push(e);
        return e;
      },
    } as unknown as OutboxWriter,
    new ScanningSignals(),
    {
      inventory: async () => EMPTY,
      platformManifests: () => [],
      loadDatabase: async () => {
        throw new Error('not used');
      },
      match: () => ({ findings: [], unreadableVersions: [], unsupportedEcosystems: [] }),
      ...engine,
    },
    { scanner: { concurrency: 1, timeoutMs, databaseRefreshMs: 60_000 } } as BerthConfig,
    undefined,
    sboms as unknown as SbomPublisher | undefined,
  );
  return { executor, settled, events };
}

describe('scan executor', () => {
  it('reads each platform image of an index once, however often the index lists it', async () => {
    const [amd64, arm64] = ['b', 'c'].map((c) => `sha256:${c.repeat(64)}`);
    const inventory = vi.fn(async () => EMPTY);
    const { executor, settled } = executorWith(
      {
        inventory,
        platformManifests: () =>
          [amd64, amd64, arm64].map((digest) => ({
            digest,
            platform: { os: 'linux', architecture: digest === amd64 ? 'amd64' : 'arm64' },
          })),
      },
      5000,
      undefined,
      (digest) =>
        digest === DIGEST
          ? { ...IMAGE, mediaType: 'application/vnd.oci.image.index.v1+json' }
          : { ...IMAGE, digest },
    );
    await executor.execute(ROW);
    expect(settled.map((s) => s.status)).toEqual(['Success']);
    expect(inventory).toHaveBeenCalledTimes(2);
  });

  it('ends a scan that outlives its timeout in Error, and says so', async () => {
    const { executor, settled, events } = executorWith(
      { inventory: () => new Promise<never>(() => undefined) },
      50,
    );
    await executor.execute(ROW);
    expect(settled).toEqual([
      expect.objectContaining({ status: 'Error', log: 'scan failed: timed out after 50 ms' }),
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'scan.failed',
        data: expect.objectContaining({ reason: 'timed out after 50 ms', digest: DIGEST }),
      }),
    ]);
  });

  it('turns an unreadable image into Error with the walker’s reason', async () => {
    const { executor, settled, events } = executorWith({
      inventory: async () => {
        throw new ScanInputError('layer 1 is not a tar archive');
      },
    });
    await executor.execute(ROW);
    expect(settled.map((s) => [s.status, s.log])).toEqual([
      ['Error', 'scan failed: layer 1 is not a tar archive'],
    ]);
    expect(events.map((e) => e.type)).toEqual(['scan.failed']);
  });

  it('without a vulnerability database, reports the inventory and says why nothing matched', async () => {
    const { executor, settled, events } = executorWith({
      inventory: async () => ({
        ...EMPTY,
        os: { id: 'debian', versionId: '12' },
        packages: [{ ecosystem: 'Debian:12', name: 'bash', version: '5.2', location: 'x' }],
      }),
    });
    await executor.execute(ROW);
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({ status: 'Success', severity: 'None', findings: '[]' });
    expect(JSON.parse(settled[0].summary)).toEqual({ total: 0, fixable: 0, summary: {} });
    expect(settled[0].log).toMatch(/^no vulnerability database is configured/);
    expect(settled[0].log).toContain('os debian 12, 1 layers, 1 packages, 0 vulnerabilities');
    expect(events).toEqual([
      expect.objectContaining({
        type: 'scan.completed',
        data: expect.objectContaining({ severity: 'None', total: 0, reportId: ROW.reportId }),
      }),
    ]);
  });

  it('drops the result of a scan stopped while it ran', async () => {
    let finish: (i: ImageInventory) => void = () => undefined;
    const { executor, settled, events } = executorWith(
      { inventory: () => new Promise<ImageInventory>((resolve) => (finish = resolve)) },
      600_000,
    );
    vi.useFakeTimers();
    try {
      const reports = (executor as unknown as { reports: { renew: ReturnType<typeof vi.fn> } })
        .reports;
      reports.renew.mockResolvedValue(false);
      const run = executor.execute(ROW);
      await vi.advanceTimersByTimeAsync(21_000);
      finish(EMPTY);
      await vi.runAllTimersAsync();
      await run;
    } finally {
      vi.useRealTimers();
    }
    expect(settled).toEqual([]);
    expect(events).toEqual([]);
  });

  it('runs at most the configured number of scans at once', async () => {
    let inFlight = 0;
    let most = 0;
    let served = 0;
    const releases: Array<() => void> = [];
    const { executor } = executorWith({
      inventory: () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        return new Promise<ImageInventory>((resolve) =>
          releases.push(() => {
            inFlight -= 1;
            resolve(EMPTY);
          }),
        );
      },
    });
    const reports = (executor as unknown as { reports: Record<string, unknown> }).reports;
    // Five scans are due; the executor asks for no more than it has room for.
    reports.claimDue = vi.fn(async (limit: number) => {
      const n = Math.min(limit, 5 - served);
      served += n;
      return Array.from({ length: n }, (_, i) => ({
        ...ROW,
        reportId: `r-${served - n + i}`,
        digest: `sha256:${String(served - n + i).repeat(64)}`,
      }));
    });
    (executor as unknown as { config: BerthConfig }).config.scanner!.concurrency = 2;
    executor.start();
    try {
      await vi.waitFor(() => expect(inFlight).toBe(2));
      while (served < 5 || inFlight > 0) {
        releases.shift()?.();
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      await executor.stop();
    }
    expect(served).toBe(5);
    expect(most).toBe(2);
  });

  it('generates both SBOMs from one walk shared with the vulnerability scan of the same image', async () => {
    let walks = 0;
    let release: () => void = () => undefined;
    const pushed: SbomManifestResult[] = [];
    const inventory: ImageInventory = {
      packages: [
        {
          ecosystem: 'npm',
          name: 'lodash',
          version: '4.17.15',
          location: 'app/node_modules/lodash',
        },
      ],
      layers: 1,
      notes: [],
    };
    const { executor, settled, events } = executorWith(
      {
        inventory: () => {
          walks += 1;
          return new Promise<ImageInventory>((resolve) => {
            release = () => resolve(inventory);
          });
        },
      },
      5000,
      { publish: async (_repository, built) => void pushed.push(built) },
    );
    const sbomRow = { ...ROW, reportId: 'r-sbom', mimeType: SBOM_REPORT_MIME };
    const both = Promise.all([executor.execute(ROW), executor.execute(sbomRow)]);
    await vi.waitFor(() => expect(walks).toBe(1));
    await new Promise((r) => setTimeout(r, 10));
    release();
    await both;
    expect(walks).toBe(1);
    expect(pushed.map((p) => p.manifest.artifactType)).toEqual([
      'application/vnd.goharbor.harbor.sbom.v1',
      'application/vnd.cyclonedx+json',
    ]);
    expect(pushed.every((p) => p.manifest.subject.digest === DIGEST)).toBe(true);
    const sbomOutcome = settled.find((o) => o.report.includes('sbom_digest'));
    const report = JSON.parse(sbomOutcome!.report) as SbomReport;
    expect(report.sbom_digest).toBe(pushed[0].manifestDigest);
    expect(report.sboms.map((s) => s.manifestDigest)).toEqual(pushed.map((p) => p.manifestDigest));
    expect(events.map((e) => [e.type, e.data.scanType]).sort()).toEqual([
      ['scan.completed', 'sbom'],
      ['scan.completed', 'vulnerability'],
    ]);
  });

  it('ends SBOM generation in Error when the SBOMs cannot be pushed', async () => {
    const { executor, settled, events } = executorWith({}, 5000, {
      publish: async () => {
        throw new Error('repository library/app no longer exists');
      },
    });
    await executor.execute({ ...ROW, mimeType: SBOM_REPORT_MIME });
    expect(settled).toEqual([
      expect.objectContaining({
        status: 'Error',
        log: 'scan failed: repository library/app no longer exists',
      }),
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'scan.failed',
        data: expect.objectContaining({ scanType: 'sbom' }),
      }),
    ]);
  });
});
