import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { OciError } from '@berth/oci';
import { OutboxWriter, createEvent } from '@berth/platform/messaging';
import {
  MANIFEST_PULL_POLICY,
  ProjectPolicyViolation,
  type ManifestPullPolicy,
} from '../access/manifest-pull-policy.port';
import type { RegistryPrincipal } from '../access/registry-access.port';
import type { ManifestEntity } from '../entities/manifest.entity';
import { ManifestRepository } from '../repositories/manifest.repository';
import { RepositoryResolver, projectOf, requireValidName } from '../repository-resolver';
import { parseManifestReference } from './manifest-reference';
import { REGISTRY_EVENT_SOURCE } from './put-manifest.usecase';

export interface GetManifestCommand {
  repository: string;
  reference: string;
  /** GET announces a pull (an outbox row, inserted together with concurrent pulls); HEAD does not. */
  recordPull: boolean;
  /** Who asked and from where, as the event records it. */
  actor?: Actor;
  /** Set on GET: the project's pull policies judge this caller's pull (HEAD passes, as in Harbor). */
  principal?: RegistryPrincipal;
}

/** GET/HEAD of a manifest by tag or digest. */
@Injectable()
export class GetManifestUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly resolver: RepositoryResolver,
    private readonly manifests: ManifestRepository,
    private readonly outbox: OutboxWriter,
    @Optional() @Inject(MANIFEST_PULL_POLICY) private readonly pullPolicy?: ManifestPullPolicy,
  ) {}

  async execute(cmd: GetManifestCommand): Promise<ManifestEntity> {
    const reference = parseManifestReference(cmd.reference);
    requireValidName(cmd.repository);
    const manifest = await this.manifests.findInRepositoryNamed(cmd.repository, reference);
    if (!manifest) {
      await this.resolver.existing(cmd.repository); // NAME_UNKNOWN rather than MANIFEST_UNKNOWN
      throw new OciError('MANIFEST_UNKNOWN', 'manifest unknown to registry', {
        reference: cmd.reference,
      });
    }
    if (cmd.principal && this.pullPolicy) {
      const violation = await this.pullPolicy.violation({
        repository: cmd.repository,
        manifest,
        principal: cmd.principal,
      });
      if (violation !== undefined) throw new ProjectPolicyViolation(violation);
    }
    if (cmd.recordPull) {
      // Stored before the client is answered, in one INSERT with the pulls of the same moment.
      await this.outbox.appendGrouped(
        this.dataSource,
        createEvent(
          'artifact.pulled',
          {
            project: projectOf(cmd.repository),
            repository: cmd.repository,
            digest: manifest.digest,
            mediaType: manifest.mediaType,
            ...(reference.kind === 'tag' ? { tag: reference.tag } : {}),
            ...cmd.actor,
          },
          REGISTRY_EVENT_SOURCE,
        ),
      );
    }
    return manifest;
  }
}
