import { Injectable } from '@nestjs/common';
import type { Principal } from '@berth/identity/domain';
import { ProjectAccess, type RegistryAction } from './project-access';
import { ProjectRepository } from './project.repository';

/**
 * The registry actions a principal has on the repositories of a project, by project name:
 * what the token service intersects requested scopes with. No project, no actions.
 */
@Injectable()
export class ProjectRegistryAccess {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly access: ProjectAccess,
  ) {}

  async registryActions(principal: Principal, projectName: string): Promise<RegistryAction[]> {
    const project = await this.projects.getByName(projectName);
    return project ? this.access.registryActions(principal, project) : [];
  }
}
