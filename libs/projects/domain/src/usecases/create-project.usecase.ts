import { Injectable } from '@nestjs/common';
import { badRequest } from '@berth/api/domain';
import type { Principal } from '@berth/identity/domain';
import { requireUser } from '../project-authorizer';
import { parseProjectMetadata } from '../project-metadata';
import { requireProjectName } from '../project-name';
import { ProjectRepository, type Project } from '../project.repository';

/** Harbor's ProjectReq: `public` is the deprecated twin of `metadata.public`. */
export interface CreateProjectCommand {
  project_name?: unknown;
  public?: unknown;
  metadata?: unknown;
}

/** Any signed-in user creates a project (Harbor's default creation policy) and becomes its project admin. */
@Injectable()
export class CreateProjectUseCase {
  constructor(private readonly projects: ProjectRepository) {}

  async execute(actor: Principal, command: CreateProjectCommand): Promise<Project> {
    const user = requireUser(actor);
    const name = requireProjectName(command.project_name);
    const metadata = parseProjectMetadata(command.metadata);
    if (command.public !== undefined && command.public !== null) {
      if (typeof command.public !== 'boolean') throw badRequest('public must be a boolean');
      metadata['public'] ??= String(command.public);
    }
    metadata['public'] ??= 'false';
    return this.projects.create({ name, ownerId: user.id, metadata });
  }
}
