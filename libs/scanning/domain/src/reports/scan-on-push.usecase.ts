import { Injectable } from '@nestjs/common';
import { eventSchemas, type EventEnvelope } from '@berth/contracts';
import { ProjectRepository } from '@berth/projects/domain';
import { RegistryContent } from '../service/registry-content';
import { RequestScanUseCase } from './request-scan.usecase';
import { isScannable } from './scannable';

/** Who asked, in a scan on push's report and events. */
export const AUTO_SCAN_REQUESTER = 'auto-scan';
/** Who asked, in the report of SBOM generation on push. */
export const AUTO_SBOM_REQUESTER = 'auto-sbom';

/**
 * Scan on push: an image or index pushed into a project whose `auto_scan` metadata is `true`
 * is scanned, and its SBOMs are generated when `auto_sbom_generation` is `true` (each on its
 * own); accessories (the SBOMs themselves among them), charts and other artifacts are not.
 * Idempotent: a redelivered push finds the scans already pending or running.
 */
@Injectable()
export class ScanOnPushUseCase {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly content: RegistryContent,
    private readonly requestScan: RequestScanUseCase,
  ) {}

  /** True when a scan or SBOM generation was asked for. */
  async execute(envelope: EventEnvelope): Promise<boolean> {
    const pushed = eventSchemas['artifact.pushed'].parse(envelope.data);
    const project = await this.projects.getByName(pushed.project);
    const scan = project?.metadata['auto_scan'] === 'true';
    const sbom = project?.metadata['auto_sbom_generation'] === 'true';
    if (!scan && !sbom) return false;
    const manifest = await this.content.manifest(pushed.repository, pushed.digest);
    // Deleted since, or never committed: nothing to scan.
    if (!manifest || !isScannable(manifest)) return false;
    // Asked for together, they are claimed together (with room for two scans) and share one
    // walk of the layers.
    const asked = [
      ...(scan ? [{ requestedBy: AUTO_SCAN_REQUESTER, scanType: 'vulnerability' as const }] : []),
      ...(sbom ? [{ requestedBy: AUTO_SBOM_REQUESTER, scanType: 'sbom' as const }] : []),
    ];
    let created = false;
    for (const a of asked) {
      const result = await this.requestScan.execute({
        repository: pushed.repository,
        digest: pushed.digest,
        ...a,
      });
      created = result.created || created;
    }
    return created;
  }
}
