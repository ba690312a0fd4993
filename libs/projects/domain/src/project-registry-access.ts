import { Injectable } from '@nestjs/common';
import { robotRegistryActions, type Principal } from '@berth/identity/domain';
import { ProjectAccess, type RegistryAction } from './project-access';
import { ProjectRepository } from './project.repository';

/**
 * The registry actions a principal has on the repositories of a project, by project name:
 * what the token service intersects requested scopes with. No project, no actions. Robots
 * get what their permissions list for that repository (`repository`: the path after the
 * project name), and nothing from the project being public.
 */
@Injectable()
export class ProjectRegistryAccess {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly access: ProjectAccess,
  ) {}

  async registryActions(
    principal: Principal,
    projectName: string,
    repository = '',
  ): Promise<RegistryAction[]> {
    const project = await this.projects.getByName(projectName);
    if (!project) return [];
    if (principal.kind === 'robot') return robotRegistryActions(principal, project, repository);
    return this.access.registryActions(principal, project);
  }
}
