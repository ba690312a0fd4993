import { Injectable } from '@nestjs/common';
import { eventSchemas, type EventEnvelope } from '@berth/contracts';
import { ProjectRepository } from '@berth/projects/domain';
import { RegistryContent } from '../service/registry-content';
import { RequestScanUseCase } from './request-scan.usecase';
import { isScannable } from './scannable';

/** Who asked, in a scan on push's report and events. */
export const AUTO_SCAN_REQUESTER = 'auto-scan';

/**
 * Scan on push: an image or index pushed into a project whose `auto_scan` metadata is `true`
 * is scanned; accessories, charts and other artifacts are not. Idempotent: a redelivered push
 * finds the scan already pending or running.
 */
@Injectable()
export class ScanOnPushUseCase {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly content: RegistryContent,
    private readonly requestScan: RequestScanUseCase,
  ) {}

  /** True when a scan was asked for. */
  async execute(envelope: EventEnvelope): Promise<boolean> {
    const pushed = eventSchemas['artifact.pushed'].parse(envelope.data);
    const project = await this.projects.getByName(pushed.project);
    if (project?.metadata['auto_scan'] !== 'true') return false;
    const manifest = await this.content.manifest(pushed.repository, pushed.digest);
    // Deleted since, or never committed: nothing to scan.
    if (!manifest || !isScannable(manifest)) return false;
    const { created } = await this.requestScan.execute({
      repository: pushed.repository,
      digest: pushed.digest,
      requestedBy: AUTO_SCAN_REQUESTER,
    });
    return created;
  }
}
