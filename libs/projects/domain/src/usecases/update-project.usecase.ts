import { Injectable } from '@nestjs/common';
import type { Principal } from '@berth/identity/domain';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { parseProjectMetadata } from '../project-metadata';
import { ProjectRepository } from '../project.repository';

/** PUT /projects/{p}: a project admin changes its metadata (the only updatable part here). */
@Injectable()
export class UpdateProjectUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly projects: ProjectRepository,
  ) {}

  async execute(actor: Principal, ref: ProjectRef, body: { metadata?: unknown }): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'project:update');
    const metadata = parseProjectMetadata(body.metadata);
    if (Object.keys(metadata).length > 0) await this.projects.setMetadata(project.id, metadata);
  }
}
