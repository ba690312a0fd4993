import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BERTH_VERSION } from '@berth/api/domain';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { OutboxWriter, createEvent } from '@berth/platform/messaging';
import type { BlobSource } from '../layers/image-inventory';
import {
  compareReportItems,
  overallSeverity,
  summarizeVulnerabilities,
  toHarborItem,
  type HarborReportScanner,
  type HarborVulnerabilityItem,
  type HarborVulnerabilityReport,
  type HarborVulnerabilitySummary,
} from '../osv/harbor-report';
import { ExternalScanRunner } from '../adapter/external-scan';
import type { OsvDatabase } from '../osv/osv-database';
import { SCANNER_EVENT_SOURCE } from '../reports/request-scan.usecase';
import type { ScanReportEntity } from '../reports/scan-report.entity';
import type { ImageInventory } from '../layers/image-inventory';
import {
  SBOM_REPORT_MIME,
  buildSbomArtifacts,
  generatedSbomOf,
  type SbomReport,
} from '../sbom/sbom-documents';
import { SbomPublisher } from '../sbom/sbom-publisher';
import { ScanReportRepository, type ScanOutcome } from '../reports/scan-report.repository';
import { isIndex } from '../reports/scannable';
import { BUILTIN_SCANNER } from '../reports/scanner-registration.entity';
import { ScanningSignals } from '../reports/scanning-signals';
import { compactFindings, mergeReportItems } from '../reports/vulnerability-report';
import { RegistryContent } from './registry-content';
import { SCAN_ENGINE, type ScanEngine } from './scan-engine';
import { VulnerabilityDatabaseHolder } from './vulnerability-database.holder';

export const DEFAULT_SCAN_CONCURRENCY = 2;
export const DEFAULT_SCAN_TIMEOUT_MS = 600_000;
/** A running scan's lease; renewed at a third of it, so a dead scanner's scans return within it. */
export const DEFAULT_SCAN_LEASE_MS = 60_000;
const POLL_MS = 2000;
const MAX_LOG = 8000;

/** A scan that cannot be done (a stop, the timeout) rather than one that failed on its input. */
class ScanAborted extends Error {}

const SCANNER = { ...BUILTIN_SCANNER, version: BERTH_VERSION };

interface ScannedPart {
  digest: string;
  mediaType: string;
  items: HarborVulnerabilityItem[];
  log: string[];
}

/**
 * Runs the scans requested in `scan_report`: claims due rows with a lease (pending ones, and
 * running ones a dead scanner left), at most `concurrency` at a time in this process, each
 * bounded by the timeout. An image is walked layer by layer; an index is scanned platform by
 * platform and its report is the union. SBOM generation (rows of the SBOM report type) turns the
 * same inventory into SPDX and CycloneDX documents pushed as referrers of the artifact. The
 * outcome and `scan.completed` or `scan.failed` commit together. Whatever a scan throws ends as `Error` with the reason in its log.
 */
@Injectable()
export class ScanExecutor {
  private readonly logger = new Logger('ScanExecutor');
  private readonly running = new Set<Promise<void>>();
  private active = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private nudged = false;
  private unsubscribe?: () => void;
  /** Inventories being computed, by manifest digest: a push's scan and SBOMs share one walk. */
  private readonly inventories = new Map<string, Promise<ImageInventory>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly reports: ScanReportRepository,
    private readonly content: RegistryContent,
    private readonly databases: VulnerabilityDatabaseHolder,
    private readonly outbox: OutboxWriter,
    private readonly signals: ScanningSignals,
    @Inject(SCAN_ENGINE) private readonly engine: ScanEngine,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Optional() private readonly external?: ExternalScanRunner,
    @Optional() private readonly sboms?: SbomPublisher,
  ) {}

  private get concurrency(): number {
    return this.config.scanner?.concurrency ?? DEFAULT_SCAN_CONCURRENCY;
  }

  private get timeoutMs(): number {
    return this.config.scanner?.timeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS;
  }

  private get leaseMs(): number {
    return this.config.scanner?.leaseMs ?? DEFAULT_SCAN_LEASE_MS;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.unsubscribe = this.signals.on('requested', () => this.nudge());
    this.loop = this.run();
  }

  /** Stops claiming and waits for running scans (each bounded by its timeout). */
  async stop(): Promise<void> {
    this.active = false;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.running]);
  }

  /** Look for due scans now. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.active) {
      let claimed = 0;
      try {
        claimed = await this.claimAndStart();
      } catch (e) {
        this.logger.warn(`scan claim failed: ${describe(e)}`);
      }
      if (claimed === 0 || this.running.size >= this.concurrency) await this.pause(POLL_MS);
    }
  }

  private pause(ms: number): Promise<void> {
    if (this.nudged || !this.active) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        this.nudged = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async claimAndStart(): Promise<number> {
    const room = this.concurrency - this.running.size;
    if (room <= 0) return 0;
    const rows = await this.reports.claimDue(room, this.leaseMs);
    for (const row of rows) {
      const job: Promise<void> = this.execute(row).finally(() => {
        this.running.delete(job);
        this.nudge();
      });
      this.running.add(job);
    }
    return rows.length;
  }

  /** One claimed scan, from start to its settled row; never rejects. */
  async execute(row: ScanReportEntity): Promise<void> {
    const controller = new AbortController();
    const timeout = setTimeout(
      () => controller.abort(new ScanAborted(`timed out after ${durationText(this.timeoutMs)}`)),
      this.timeoutMs,
    );
    let lost = false;
    const leaseMs = this.leaseMs;
    const renewal = setInterval(() => {
      this.reports.renew(row.reportId, row.claim!, leaseMs).then(
        (held) => {
          if (held) return;
          lost = true;
          controller.abort(new ScanAborted('stopped'));
        },
        (e: unknown) => this.logger.warn(`scan ${row.reportId} lease not renewed: ${describe(e)}`),
      );
    }, leaseMs / 3);
    const startedAt = row.startTime ?? new Date().toISOString();
    try {
      if (row.mimeType === SBOM_REPORT_MIME) {
        const outcome = await Promise.race([
          this.generateSbom(row, controller.signal),
          rejectOnAbort(controller.signal),
        ]);
        if (lost) return;
        await this.settleSbom(row, outcome);
        return;
      }
      const database = this.databases.current();
      // A scan stuck where no stream can be cut still ends at the timeout; its late result is dropped.
      const scanned = await Promise.race([
        this.scan(row, database, controller.signal),
        rejectOnAbort(controller.signal),
      ]);
      if (lost) return;
      await this.succeed(row, scanned, database, startedAt);
    } catch (e) {
      if (lost) return;
      const reason = controller.signal.aborted ? describe(controller.signal.reason) : describe(e);
      await this.fail(row, reason).catch((err: unknown) =>
        this.logger.warn(`scan ${row.reportId} not settled: ${describe(err)}`),
      );
    } finally {
      clearTimeout(timeout);
      clearInterval(renewal);
    }
  }

  private async scan(
    row: ScanReportEntity,
    database: OsvDatabase | undefined,
    signal: AbortSignal,
  ): Promise<{ mediaType: string; parts: ScannedPart[]; scanner?: HarborReportScanner }> {
    const external = await this.external?.scanIfExternal(row, signal);
    if (external) return external;
    const { manifest, images } = await this.imagesOf(row, 'scan');
    const parts: ScannedPart[] = [];
    for (const { digest, child } of images) {
      parts.push({
        ...(await this.scanImage(digest, parseJson(child.content, digest), database, signal)),
        mediaType: child.mediaType,
      });
    }
    return { mediaType: manifest.mediaType, parts };
  }

  /**
   * The artifact's manifest and the image manifests to read: itself, or an index's platform
   * images (each once, however often the index lists it).
   */
  private async imagesOf(row: ScanReportEntity, verb: 'scan' | 'describe') {
    const manifest = await this.content.manifest(row.repository, row.digest);
    if (!manifest) throw new Error(`manifest ${row.digest} is no longer in ${row.repository}`);
    const digests = isIndex(manifest.mediaType)
      ? [
          ...new Set(
            this.engine
              .platformManifests(parseJson(manifest.content, row.digest))
              .map((p) => p.digest),
          ),
        ]
      : [manifest.digest];
    if (digests.length === 0) throw new Error(`the index lists no platform image to ${verb}`);
    const images: { digest: string; child: NonNullable<typeof manifest> }[] = [];
    for (const digest of digests) {
      const child =
        digest === manifest.digest ? manifest : await this.content.manifest(row.repository, digest);
      if (!child) throw new Error(`platform manifest ${digest} is not in ${row.repository}`);
      images.push({ digest, child });
    }
    return { manifest, images };
  }

  private async scanImage(
    digest: string,
    manifest: unknown,
    database: OsvDatabase | undefined,
    signal: AbortSignal,
  ): Promise<Omit<ScannedPart, 'mediaType'>> {
    const inventory = await this.inventoryOf(digest, manifest, signal);
    signal.throwIfAborted();
    const matched = database ? this.engine.match(database, inventory.packages) : undefined;
    const items = (matched?.findings ?? []).map((f) => toHarborItem(f, digest));
    const os = inventory.os
      ? `${inventory.os.id} ${inventory.os.versionId ?? ''}`.trim()
      : 'unknown';
    const log = [
      `${digest}: os ${os}, ${inventory.layers} layers, ${inventory.packages.length} packages, ${items.length} vulnerabilities`,
      ...(matched && matched.unsupportedEcosystems.length > 0
        ? [
            `${digest}: ${matched.unsupportedEcosystems.length} packages of ecosystems without advisories matching`,
          ]
        : []),
      ...(matched && matched.unreadableVersions.length > 0
        ? [
            `${digest}: ${matched.unreadableVersions.length} packages with versions that cannot be compared`,
          ]
        : []),
      ...inventory.notes.map((n) => `${digest}: ${n}`),
    ];
    return { digest, items, log };
  }

  /**
   * The image's inventory, shared with a scan of the same manifest already walking it (the
   * vulnerability scan and the SBOM of one push); walked again if the shared walk failed while
   * this scan goes on.
   */
  private async inventoryOnce(
    digest: string,
    manifest: unknown,
    blobs: BlobSource,
    signal: AbortSignal,
  ): Promise<ImageInventory> {
    const shared = this.inventories.get(digest);
    if (shared) {
      try {
        return await shared;
      } catch {
        signal.throwIfAborted();
      }
    }
    const walk = this.engine.inventory(manifest, blobs);
    this.inventories.set(digest, walk);
    try {
      return await walk;
    } finally {
      if (this.inventories.get(digest) === walk) this.inventories.delete(digest);
    }
  }

  /**
   * SBOM generation: the artifact's packages (an index's: all its platforms') written as SPDX 2.3
   * and CycloneDX 1.6 documents and pushed into its repository as referrers of it.
   */
  private async generateSbom(row: ScanReportEntity, signal: AbortSignal): Promise<ScanOutcome> {
    if (!this.sboms) throw new Error('this scanner cannot push SBOMs');
    const { manifest, images } = await this.imagesOf(row, 'describe');
    const inventories: ImageInventory[] = [];
    for (const { digest, child } of images) {
      inventories.push(await this.inventoryOf(digest, parseJson(child.content, digest), signal));
    }
    signal.throwIfAborted();
    const packages = inventories.flatMap((i) => i.packages);
    const generatedAt = new Date();
    const artifacts = buildSbomArtifacts({
      repository: row.repository,
      subject: {
        digest: manifest.digest,
        mediaType: manifest.mediaType,
        size: Buffer.byteLength(manifest.content, 'utf8'),
      },
      os: inventories.find((i) => i.os)?.os,
      packages,
      generatedAt,
      toolVersion: BERTH_VERSION,
    });
    for (const { built } of artifacts) {
      signal.throwIfAborted();
      await this.sboms.publish(row.repository, built, row.requestedBy);
    }
    const sboms = artifacts.map((a) => generatedSbomOf(a.format, a.built, packages.length));
    const report: SbomReport = {
      generated_at: generatedAt.toISOString(),
      artifact: { repository: row.repository, digest: row.digest, mime_type: manifest.mediaType },
      scanner: SCANNER,
      sbom_digest: sboms[0].manifestDigest,
      sboms,
    };
    return {
      status: 'Success',
      severity: 'None',
      findings: '[]',
      summary: JSON.stringify({ total: 0, fixable: 0, summary: {} }),
      report: JSON.stringify(report),
      log: [
        ...images.map(
          ({ digest }, i) =>
            `${digest}: ${inventories[i].layers} layers, ${inventories[i].packages.length} packages`,
        ),
        ...sboms.map((s) => `${s.format} SBOM pushed as ${s.manifestDigest}`),
        ...inventories.flatMap((inv, i) => inv.notes.map((n) => `${images[i].digest}: ${n}`)),
      ]
        .join('\n')
        .slice(0, MAX_LOG),
    };
  }

  /**
   * One image's inventory; its open blob streams are destroyed on a stop or the timeout, which
   * ends the layer walk.
   */
  private async inventoryOf(
    digest: string,
    manifest: unknown,
    signal: AbortSignal,
  ): Promise<ImageInventory> {
    const open = new Set<Readable>();
    const blobs: BlobSource = {
      open: async (blobDigest) => {
        signal.throwIfAborted();
        const stream = await this.content.open(blobDigest);
        open.add(stream);
        stream.once('close', () => open.delete(stream));
        return stream;
      },
    };
    const onAbort = (): void => {
      for (const stream of open) stream.destroy(asError(signal.reason));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.inventoryOnce(digest, manifest, blobs, signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async settleSbom(row: ScanReportEntity, outcome: ScanOutcome): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      if (!(await this.reports.settle(em, row, outcome))) return;
      await this.outbox.append(
        em,
        createEvent(
          'scan.completed',
          { ...this.eventRef(row), severity: 'None', total: 0, fixable: 0 },
          SCANNER_EVENT_SOURCE,
        ),
      );
    });
  }

  private async succeed(
    row: ScanReportEntity,
    scanned: { mediaType: string; parts: ScannedPart[]; scanner?: HarborReportScanner },
    database: OsvDatabase | undefined,
    startedAt: string,
  ): Promise<void> {
    const dbLine = scanned.scanner
      ? `scanned by the external scanner ${scanned.scanner.name} ${scanned.scanner.version}`.trim()
      : database
        ? `vulnerability database loaded ${database.loadedAt}: ${database.advisoryCount} advisories, newest ${database.newestModified ?? 'unknown'}`
        : 'no vulnerability database is configured (BERTH_SCANNER_DB): packages were listed, vulnerabilities not matched';
    const outcomeOf = (digest: string, mediaType: string, parts: ScannedPart[]): ScanOutcome => {
      const items = mergeReportItems(parts.map((p) => p.items)).sort(compareReportItems);
      const report: HarborVulnerabilityReport = {
        generated_at: new Date().toISOString(),
        artifact: { repository: row.repository, digest, mime_type: mediaType },
        scanner: scanned.scanner ?? SCANNER,
        severity: overallSeverity(items.map((i) => i.severity)),
        vulnerabilities: items,
      };
      return {
        status: 'Success',
        severity: report.severity,
        findings: JSON.stringify(compactFindings(items)),
        summary: JSON.stringify(summarizeVulnerabilities(items)),
        report: JSON.stringify(report),
        log: [dbLine, ...parts.flatMap((p) => p.log)].join('\n').slice(0, MAX_LOG),
      };
    };
    const outcome = outcomeOf(row.digest, scanned.mediaType, scanned.parts);
    const summary = JSON.parse(outcome.summary) as HarborVulnerabilitySummary;
    const platforms = scanned.parts.filter((p) => p.digest !== row.digest);
    await this.dataSource.transaction(async (em) => {
      if (!(await this.reports.settle(em, row, outcome))) return;
      for (const part of platforms)
        await this.reports.recordPart(
          em,
          {
            digest: part.digest,
            repository: row.repository,
            registrationUuid: row.registrationUuid,
            mimeType: row.mimeType,
            requestedBy: row.requestedBy,
          },
          startedAt,
          outcomeOf(part.digest, part.mediaType, [part]),
        );
      await this.outbox.append(
        em,
        createEvent(
          'scan.completed',
          {
            ...this.eventRef(row),
            severity: outcome.severity,
            total: summary.total,
            fixable: summary.fixable,
            bySeverity: summary.summary,
          },
          SCANNER_EVENT_SOURCE,
        ),
      );
    });
  }

  private async fail(row: ScanReportEntity, reason: string): Promise<void> {
    const text = reason.slice(0, 1024) || 'scan failed';
    await this.dataSource.transaction(async (em) => {
      const settled = await this.reports.settle(em, row, {
        status: 'Error',
        severity: 'Unknown',
        findings: '[]',
        summary: JSON.stringify({ total: 0, fixable: 0, summary: {} }),
        report: '',
        log: `scan failed: ${text}`,
      });
      if (!settled) return;
      await this.outbox.append(
        em,
        createEvent('scan.failed', { ...this.eventRef(row), reason: text }, SCANNER_EVENT_SOURCE),
      );
    });
    this.logger.warn(`scan of ${row.repository}@${row.digest} failed: ${text}`);
  }

  private eventRef(row: ScanReportEntity) {
    return {
      project: row.repository.split('/', 1)[0],
      repository: row.repository,
      digest: row.digest,
      reportId: row.reportId,
      registration: row.registrationUuid,
      scanType: scanTypeOfMime(row.mimeType),
      requestedBy: row.requestedBy,
    };
  }
}

/** The scan type a report row stands for. */
export function scanTypeOfMime(mimeType: string): 'vulnerability' | 'sbom' {
  return mimeType === SBOM_REPORT_MIME ? 'sbom' : 'vulnerability';
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function durationText(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(asError(signal.reason));
    else signal.addEventListener('abort', () => reject(asError(signal.reason)), { once: true });
  });
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function parseJson(content: string, digest: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch {
    throw new Error(`manifest ${digest} is not JSON`);
  }
}
