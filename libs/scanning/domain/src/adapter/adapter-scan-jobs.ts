import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_VERSION } from '@berth/api/domain';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import {
  compareReportItems,
  overallSeverity,
  toHarborItem,
  type HarborReportScanner,
  type HarborVulnerabilityReport,
} from '../osv/harbor-report';
import { BUILTIN_SCANNER } from '../reports/scanner-registration.entity';
import { DEFAULT_SCAN_CONCURRENCY, DEFAULT_SCAN_TIMEOUT_MS } from '../service/scan-executor';
import { SCAN_ENGINE, type ScanEngine } from '../service/scan-engine';
import { VulnerabilityDatabaseHolder } from '../service/vulnerability-database.holder';
import type { AdapterScanRequest } from './adapter-protocol';
import { RegistryPuller, type PullOptions } from './registry-puller';

/** Where one scan requested through the adapter API stands. */
export type AdapterJobState =
  | { status: 'queued' | 'running' }
  | { status: 'done'; report: HarborVulnerabilityReport }
  | { status: 'failed'; message: string };

interface Job {
  request: AdapterScanRequest;
  registryUrl: URL;
  state: AdapterJobState;
  finishedAt?: number;
}

/** How long a finished job's report can be fetched. */
const KEEP_FINISHED_MS = 3_600_000;
/** Jobs held at once, queued, running and finished; beyond it new requests are refused. */
const MAX_JOBS = 1000;

/** A scan request the adapter cannot take now. */
export class AdapterBusyError extends Error {}

/** What the built-in scanner says it is. */
export const BUILTIN_ADAPTER_SCANNER: HarborReportScanner = {
  ...BUILTIN_SCANNER,
  version: BERTH_VERSION,
};

/**
 * The scans Berth's built-in scanner runs for the adapter API: each pulls the image from the
 * registry the request names, with its authorization, walks the layers and matches the
 * packages against the vulnerability database. At most the scanner's concurrency run at once,
 * each bounded by its timeout. Jobs live in this process's memory for an hour after they
 * finish: a caller that loses the id, or a restart, means asking again.
 */
@Injectable()
export class AdapterScanJobs {
  private readonly logger = new Logger('ScannerAdapter');
  private readonly jobs = new Map<string, Job>();
  private readonly queue: string[] = [];
  private running = 0;
  /** Overridable in tests: the fetch the pulls use. */
  pullOptions: Pick<PullOptions, 'fetch'> = {};

  constructor(
    @Inject(SCAN_ENGINE) private readonly engine: ScanEngine,
    private readonly databases: VulnerabilityDatabaseHolder,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /** Queues a scan; returns its id. @throws AdapterBusyError when too many jobs are held. */
  accept(request: AdapterScanRequest, registryUrl: URL): string {
    this.expire(Date.now());
    if (this.jobs.size >= MAX_JOBS) throw new AdapterBusyError('too many scans in progress');
    const id = randomUUID();
    this.jobs.set(id, { request, registryUrl, state: { status: 'queued' } });
    this.queue.push(id);
    this.pump();
    return id;
  }

  /** The job's state; undefined for an id never given or forgotten. */
  state(id: string): AdapterJobState | undefined {
    this.expire(Date.now());
    return this.jobs.get(id)?.state;
  }

  /** When the vulnerability database now held was loaded, for the metadata. */
  databaseUpdatedAt(): string | undefined {
    const db = this.databases.current();
    return db ? (db.newestModified ?? db.loadedAt) : undefined;
  }

  private pump(): void {
    const limit = this.config.scanner?.concurrency ?? DEFAULT_SCAN_CONCURRENCY;
    while (this.running < limit && this.queue.length > 0) {
      const id = this.queue.shift()!;
      const job = this.jobs.get(id);
      if (!job) continue;
      this.running += 1;
      job.state = { status: 'running' };
      void this.run(job).finally(() => {
        this.running -= 1;
        job.finishedAt = Date.now();
        this.pump();
      });
    }
  }

  private async run(job: Job): Promise<void> {
    const timeoutMs = this.config.scanner?.timeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMs);
    const { artifact, registry } = job.request;
    try {
      const puller = new RegistryPuller(
        {
          registryUrl: job.registryUrl,
          authorization: registry.authorization,
          repository: artifact.repository,
        },
        { signal, ...this.pullOptions },
      );
      const manifest = await puller.manifest(artifact.digest);
      const inventory = await this.engine.inventory(manifest, puller);
      signal.throwIfAborted();
      const database = this.databases.current();
      const findings = database ? this.engine.match(database, inventory.packages).findings : [];
      const items = findings.map((f) => toHarborItem(f, artifact.digest)).sort(compareReportItems);
      job.state = {
        status: 'done',
        report: {
          generated_at: new Date().toISOString(),
          artifact: {
            repository: artifact.repository,
            digest: artifact.digest,
            mime_type: artifact.mime_type,
          },
          scanner: BUILTIN_ADAPTER_SCANNER,
          severity: overallSeverity(items.map((i) => i.severity)),
          vulnerabilities: items,
        },
      };
    } catch (e) {
      const message = signal.aborted
        ? `the scan timed out after ${Math.round(timeoutMs / 1000)} s`
        : e instanceof Error
          ? e.message
          : String(e);
      this.logger.warn(
        `adapter scan of ${artifact.repository}@${artifact.digest} failed: ${message}`,
      );
      job.state = { status: 'failed', message: message.slice(0, 1024) };
    }
  }

  private expire(now: number): void {
    for (const [id, job] of this.jobs)
      if (job.finishedAt !== undefined && now - job.finishedAt > KEEP_FINISHED_MS)
        this.jobs.delete(id);
  }
}
