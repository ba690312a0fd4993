import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ROBOT_PREFIX,
  RobotRepository,
  generateRobotSecret,
  hashSecret,
  randomSecret,
  type RobotEntity,
} from '@berth/identity/domain';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { ProjectRepository } from '@berth/projects/domain';
import { SCANNER_ROBOT_NAME_PREFIX } from '../gate/scanner-pull';
import type { HarborReportScanner, HarborVulnerabilityItem } from '../osv/harbor-report';
import type { ScanReportEntity } from '../reports/scan-report.entity';
import { isIndex } from '../reports/scannable';
import type { ScannerRegistrationEntity } from '../reports/scanner-registration.entity';
import { ScannerRegistrationRepository } from '../reports/scanner-registration.repository';
import { RegistryContent } from '../service/registry-content';
import { SCAN_ENGINE, type ScanEngine } from '../service/scan-engine';
import { ScannerAdapterClient, type AdapterClientOptions } from './adapter-client';
import { ADAPTER_VULNERABILITY_REPORT_MIMES, type AdapterScanRequest } from './adapter-protocol';
import { readAdapterReport } from './adapter-report';

/** One manifest an external adapter scanned. */
export interface ExternalScannedPart {
  digest: string;
  mediaType: string;
  items: HarborVulnerabilityItem[];
  log: string[];
}

/** What an external scan of an artifact (an image, or each platform of an index) produced. */
export interface ExternalScanResult {
  mediaType: string;
  scanner: HarborReportScanner;
  parts: ExternalScannedPart[];
}

/** Slack beyond the scan timeout before a scan robot stops working on its own. */
const ROBOT_GRACE_S = 120;

/** Whether a registration is an external adapter rather than the scanner inside Berth. */
export function isExternalRegistration(r: Pick<ScannerRegistrationEntity, 'url'>): boolean {
  return /^https?:\/\//i.test(r.url);
}

/**
 * The registry URL an adapter is told to pull from: Berth's external URL (BERTH_EXTERNAL_URL),
 * also with `use_internal_addr`, since Berth has no separate internal registry address.
 */
export function registryUrlForAdapter(config: BerthConfig): string {
  return config.http.externalUrl;
}

/**
 * Scans an artifact with an external adapter (Harbor's Pluggable Scanner API): for each image
 * (the artifact, or each platform of an index) a scan robot is made that may only pull that
 * repository and expires with the scan, the adapter is asked to scan with its Basic
 * credentials, the report is polled until ready and read, and the robot is removed. The robot's
 * name marks it as the scanner's own, so the vulnerability gate lets its pulls through.
 */
@Injectable()
export class ExternalScanRunner {
  private readonly logger = new Logger('ExternalScan');

  constructor(
    private readonly content: RegistryContent,
    private readonly robots: RobotRepository,
    private readonly projects: ProjectRepository,
    private readonly registrations: ScannerRegistrationRepository,
    @Inject(SCAN_ENGINE) private readonly engine: ScanEngine,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /** The client for a registration, under the webhook address policy. */
  clientFor(registration: ScannerRegistrationEntity): ScannerAdapterClient {
    return new ScannerAdapterClient(registration, this.clientOptions());
  }

  clientOptions(): AdapterClientOptions {
    return { allowPrivate: this.config.notifications.webhookAllowPrivate };
  }

  /**
   * The scan of the row by its registration when that is an external adapter; undefined when
   * the built-in scanner is to scan it.
   */
  async scanIfExternal(
    row: ScanReportEntity,
    signal: AbortSignal,
  ): Promise<ExternalScanResult | undefined> {
    const registration = await this.registrations.byUuid(row.registrationUuid);
    if (!registration || !isExternalRegistration(registration)) return undefined;
    return this.scan(row, registration, signal);
  }

  /** @throws when the manifest is gone, the adapter fails or its report cannot be read */
  async scan(
    row: ScanReportEntity,
    registration: ScannerRegistrationEntity,
    signal: AbortSignal,
  ): Promise<ExternalScanResult> {
    const manifest = await this.content.manifest(row.repository, row.digest);
    if (!manifest) throw new Error(`manifest ${row.digest} is no longer in ${row.repository}`);
    const images = isIndex(manifest.mediaType)
      ? this.engine.platformManifests(JSON.parse(manifest.content) as unknown).map((p) => p.digest)
      : [manifest.digest];
    if (images.length === 0) throw new Error('the index lists no platform image to scan');
    const client = this.clientFor(registration);
    const parts: ExternalScannedPart[] = [];
    let scanner: HarborReportScanner = { name: registration.name, vendor: '', version: '' };
    for (const digest of images) {
      const child =
        digest === manifest.digest ? manifest : await this.content.manifest(row.repository, digest);
      if (!child) throw new Error(`platform manifest ${digest} is not in ${row.repository}`);
      const read = await this.scanImage(client, row.repository, digest, child.mediaType, signal);
      scanner = read.scanner;
      parts.push({
        digest,
        mediaType: child.mediaType,
        items: read.items,
        log: [
          `${digest}: scanned by ${registration.name} (${scanner.name} ${scanner.version}), ${read.items.length} vulnerabilities`,
        ],
      });
    }
    return { mediaType: manifest.mediaType, scanner, parts };
  }

  private async scanImage(
    client: ScannerAdapterClient,
    repository: string,
    digest: string,
    mediaType: string,
    signal: AbortSignal,
  ) {
    const robot = await this.createRobot(repository);
    try {
      const request: AdapterScanRequest = {
        registry: {
          url: registryUrlForAdapter(this.config),
          authorization: `Basic ${Buffer.from(`${robot.name}:${robot.secret}`).toString('base64')}`,
        },
        artifact: { repository, digest, mime_type: mediaType },
      };
      const id = await client.scan(request, signal);
      for (;;) {
        signal.throwIfAborted();
        const poll = await client.report(id, ADAPTER_VULNERABILITY_REPORT_MIMES[0], signal);
        if (poll.ready) return readAdapterReport(poll.body, digest);
        await sleep(poll.retryAfterMs, signal);
      }
    } finally {
      await this.robots
        .delete(robot.id)
        .catch((e: unknown) =>
          this.logger.warn(
            `scan robot ${robot.name} not removed: ${e instanceof Error ? e.message : String(e)}`,
          ),
        );
    }
  }

  /** A project robot that may pull only `repository`, until shortly after the scan's timeout. */
  private async createRobot(
    repository: string,
  ): Promise<Pick<RobotEntity, 'id' | 'name'> & { secret: string }> {
    const slash = repository.indexOf('/');
    const projectName = repository.slice(0, slash);
    const project = await this.projects.getByName(projectName);
    if (!project) throw new Error(`project ${projectName} no longer exists`);
    const secret = generateRobotSecret();
    const timeoutS = Math.ceil((this.config.scanner?.timeoutMs ?? 600_000) / 1000);
    const name = `${ROBOT_PREFIX}${projectName}+${SCANNER_ROBOT_NAME_PREFIX}${randomSecret(12).toLowerCase()}`;
    const created = await this.robots.create({
      name,
      description: `pulls ${repository} for one scan by an external scanner`,
      level: 'project',
      projectId: project.id,
      secretHash: hashSecret(secret),
      disabled: false,
      duration: 1,
      expiresAt: Math.floor(Date.now() / 1000) + timeoutS + ROBOT_GRACE_S,
      permissions: [
        {
          kind: 'project',
          namespace: projectName,
          repository: repository.slice(slash + 1),
          access: [{ resource: 'repository', action: 'pull' }],
        },
      ],
      creator: 'system:scanner',
    });
    return { id: created.id, name: created.name, secret };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
