import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';

import { actorOf, type Principal } from '@berth/identity/domain';
import { OutboxWriter } from '@berth/platform/messaging';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { changedKeys, projectUpdated } from '../project-events';
import { parseProjectMetadata } from '../project-metadata';
import { ProjectRepository } from '../project.repository';

/** PUT /projects/{p}: a project admin changes its metadata (the only updatable part here). */
@Injectable()
export class UpdateProjectUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly projects: ProjectRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    ref: ProjectRef,
    body: { metadata?: unknown },
    audit: Actor = actorOf(actor),
  ): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'project:update');
    const metadata = parseProjectMetadata(body.metadata);
    if (Object.keys(metadata).length === 0) return;
    const changes = changedKeys(project.metadata, metadata);
    await this.dataSource.transaction(async (em) => {
      await this.projects.setMetadata(project.id, metadata, em);
      // Settings sent back unchanged (a whole form, say) are no change worth recording.
      if (changes.length > 0) await this.outbox.append(em, projectUpdated(audit, project, changes));
    });
  }
}
