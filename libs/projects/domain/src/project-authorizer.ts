import { Injectable } from '@nestjs/common';
import { forbidden, notFound, unauthorized } from '@berth/api/domain';
import type { Principal, UserPrincipal } from '@berth/identity/domain';
import { ProjectAccess, type ProjectAction } from './project-access';
import { ProjectRepository, type Project } from './project.repository';

/** How a route names a project: `{project_name_or_id}` and Harbor's `X-Is-Resource-Name`. */
export interface ProjectRef {
  nameOrId: string;
  /** True when `X-Is-Resource-Name: true`: the reference is a name even if it looks like an id. */
  isResourceName?: boolean;
}

/** The signed-in caller; anonymous callers are a 401. */
export function requireUser(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user') throw unauthorized('authentication required');
  return principal;
}

/**
 * Finds the project a request names and checks the caller may do `action` in it: 404 when
 * there is no such project, 401 for anonymous callers and 403 for users without the permission.
 */
@Injectable()
export class ProjectAuthorizer {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly access: ProjectAccess,
  ) {}

  async find(ref: ProjectRef): Promise<Project | null> {
    if (!ref.isResourceName && /^[1-9]\d{0,15}$/.test(ref.nameOrId))
      return this.projects.getById(Number(ref.nameOrId));
    return this.projects.getByName(ref.nameOrId);
  }

  async require(principal: Principal, ref: ProjectRef, action: ProjectAction): Promise<Project> {
    const project = await this.find(ref);
    if (!project) throw notFound(`project ${ref.nameOrId.slice(0, 255)} not found`);
    if (!(await this.access.can(principal, project, action))) {
      if (principal.kind === 'anonymous') throw unauthorized('authentication required');
      throw forbidden(`${action} is not allowed in project ${project.name}`);
    }
    return project;
  }
}
