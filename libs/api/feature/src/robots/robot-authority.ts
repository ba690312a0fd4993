import { Injectable } from '@nestjs/common';
import { badRequest, forbidden, notFound } from '@berth/api/domain';
import {
  ROBOT_PROJECT_ACCESS,
  type Principal,
  type RobotEntity,
  type RobotPermission,
} from '@berth/identity/domain';
import {
  ProjectAccess,
  ProjectRepository,
  type Project,
  type ProjectAction,
} from '@berth/projects/domain';

export type RobotAction = 'robot:read' | 'robot:create' | 'robot:update' | 'robot:delete';

export function isSysadmin(actor: Principal): boolean {
  return actor.kind === 'user' && actor.sysadmin;
}

/**
 * Who may manage which robot: system admins every robot; project admins (maintainers for
 * reads) the robots of their own project. A robot's permissions never exceed its creator's.
 */
@Injectable()
export class RobotAuthority {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly access: ProjectAccess,
  ) {}

  /** Checks `action` on an existing robot; system robots are for system admins only. */
  async require(actor: Principal, robot: RobotEntity, action: RobotAction): Promise<void> {
    if (isSysadmin(actor)) return;
    if (robot.level === 'system' || robot.projectId === null)
      throw forbidden('system admin role required');
    const project = await this.projects.getById(robot.projectId);
    if (!project) throw notFound(`robot ${robot.id} not found`);
    await this.requireInProject(actor, project, action);
  }

  async requireInProject(actor: Principal, project: Project, action: ProjectAction): Promise<void> {
    if (!(await this.access.can(actor, project, action)))
      throw forbidden(`${action} is not allowed in project ${project.name}`);
  }

  async projectById(id: number): Promise<Project> {
    const project = await this.projects.getById(id);
    if (!project) throw notFound(`project ${id} not found`);
    return project;
  }

  /** The name of a project robot's project, if it still exists; undefined for system robots. */
  async projectNameOf(robot: RobotEntity): Promise<string | undefined> {
    if (robot.level !== 'project' || robot.projectId === null) return undefined;
    return (await this.projects.getById(robot.projectId))?.name;
  }

  async projectByName(name: string): Promise<Project> {
    const project = await this.projects.getByName(name);
    if (!project) throw notFound(`project ${name.slice(0, 255)} not found`);
    return project;
  }

  /** Every access a permission list gives must be one the actor has in that project. */
  async requireWithinOwn(actor: Principal, permissions: readonly RobotPermission[]): Promise<void> {
    for (const p of permissions) {
      if (p.namespace !== '*') {
        const project = await this.projects.getByName(p.namespace);
        if (!project) throw badRequest(`project ${p.namespace} in permissions does not exist`);
        if (isSysadmin(actor)) continue;
        for (const a of p.access) {
          const action = ROBOT_PROJECT_ACCESS[a.resource][a.action] as ProjectAction;
          if (a.effect !== 'deny' && !(await this.access.can(actor, project, action)))
            throw forbidden(`the permission ${a.resource}:${a.action} exceeds your own`);
        }
      } else if (!isSysadmin(actor)) {
        throw forbidden('only system admins may grant on every project');
      }
    }
  }
}
