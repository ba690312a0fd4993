import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { badRequest, forbidden, notFound, type Paging } from '@berth/api/domain';
import {
  actorOf,
  durationError,
  expiresAtFor,
  fullRobotName,
  generateRobotSecret,
  hashSecret,
  normalizePermissions,
  NEVER_EXPIRES,
  RobotRepository,
  robotNameError,
  robotPermissionsError,
  robotCreated,
  robotDeleted,
  robotSecretError,
  robotUpdated,
  subjectOf,
  type Principal,
  type RobotEntity,
  type RobotLevel,
  type RobotPatch,
  type RobotPermission,
} from '@berth/identity/domain';
import { OutboxWriter } from '@berth/platform/messaging';
import { isSysadmin, RobotAuthority } from './robot-authority';

export interface CreateRobotCommand {
  name: string;
  description: string;
  level: RobotLevel;
  duration?: number;
  disable: boolean;
  permissions: unknown;
}

export interface UpdateRobotCommand {
  name?: string;
  level?: string;
  description?: string;
  duration?: number;
  disable?: boolean;
  permissions?: unknown;
}

function check(message: string | undefined): void {
  if (message) throw badRequest(message);
}

/** Loads a robot or answers 404. */
async function robotById(robots: RobotRepository, id: number): Promise<RobotEntity> {
  const robot = await robots.findById(id);
  if (!robot) throw notFound(`robot ${id} not found`);
  return robot;
}

/** `POST /robots`: the secret is generated, answered once, stored as a SHA-256. */
@Injectable()
export class CreateRobotUseCase {
  constructor(
    private readonly robots: RobotRepository,
    private readonly authority: RobotAuthority,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    command: CreateRobotCommand,
    audit: Actor = actorOf(actor),
  ): Promise<{ robot: RobotEntity; secret: string }> {
    check(robotNameError(command.name));
    const duration = command.duration ?? NEVER_EXPIRES;
    check(durationError(duration));
    let projectId: number | null = null;
    let projectName: string | undefined;
    if (command.level === 'system') {
      if (!isSysadmin(actor)) throw forbidden('system admin role required');
    } else {
      // A project robot's project is the namespace its permissions name.
      const first: unknown = Array.isArray(command.permissions) ? command.permissions[0] : null;
      const namespace = (first as { namespace?: unknown } | null)?.namespace;
      if (typeof namespace !== 'string')
        throw badRequest('a project robot’s permissions must name its project');
      const project = await this.authority.projectByName(namespace);
      await this.authority.requireInProject(actor, project, 'robot:create');
      projectId = project.id;
      projectName = project.name;
    }
    check(robotPermissionsError(command.level, command.permissions, projectName));
    const permissions = normalizePermissions(command.permissions as RobotPermission[]);
    await this.authority.requireWithinOwn(actor, permissions);
    const secret = generateRobotSecret();
    const robot = await this.dataSource.transaction(async (em) => {
      const created = await this.robots.create(
        {
          name: fullRobotName(command.level, command.name, projectName),
          description: command.description,
          level: command.level,
          projectId,
          secretHash: hashSecret(secret),
          disabled: command.disable,
          duration,
          expiresAt: expiresAtFor(duration, new Date()),
          permissions,
          creator: `${actor.kind}:${subjectOf(actor)}`,
        },
        em,
      );
      await this.outbox.append(em, robotCreated(audit, { robot: created, project: projectName }));
      return created;
    });
    return { robot, secret };
  }
}

/**
 * `GET /robots`: every robot for a system admin; others must ask for one project's robots
 * (Harbor's `q=Level=project,ProjectID=<id>`) and may read robots there.
 */
@Injectable()
export class ListRobotsUseCase {
  constructor(
    private readonly robots: RobotRepository,
    private readonly authority: RobotAuthority,
  ) {}

  async execute(
    actor: Principal,
    filter: { level?: string; projectId?: number },
    paging: Paging,
  ): Promise<{ robots: RobotEntity[]; total: number }> {
    if (filter.level !== undefined && filter.level !== 'system' && filter.level !== 'project')
      throw badRequest('Level must be system or project');
    const level = filter.level as RobotLevel | undefined;
    if (!isSysadmin(actor)) {
      if (level !== 'project' || filter.projectId === undefined)
        throw forbidden('system admin role required, or q=Level=project,ProjectID=<id>');
      const project = await this.authority.projectById(filter.projectId);
      await this.authority.requireInProject(actor, project, 'robot:read');
    }
    return this.robots.list({ level, projectId: filter.projectId }, paging);
  }
}

@Injectable()
export class GetRobotUseCase {
  constructor(
    private readonly robots: RobotRepository,
    private readonly authority: RobotAuthority,
  ) {}

  async execute(actor: Principal, id: number): Promise<RobotEntity> {
    const robot = await robotById(this.robots, id);
    await this.authority.require(actor, robot, 'robot:read');
    return robot;
  }
}

/** `PUT /robots/{id}`: description, duration, disable and permissions; name and level stay. */
@Injectable()
export class UpdateRobotUseCase {
  constructor(
    private readonly robots: RobotRepository,
    private readonly authority: RobotAuthority,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    id: number,
    command: UpdateRobotCommand,
    audit: Actor = actorOf(actor),
  ): Promise<void> {
    const robot = await robotById(this.robots, id);
    await this.authority.require(actor, robot, 'robot:update');
    if (command.name !== undefined && command.name !== robot.name)
      throw badRequest('the name of a robot cannot be changed');
    if (command.level !== undefined && command.level !== robot.level)
      throw badRequest('the level of a robot cannot be changed');
    const patch: RobotPatch = {};
    if (command.description !== undefined) patch.description = command.description;
    if (command.disable !== undefined) patch.disabled = command.disable;
    if (command.duration !== undefined && command.duration !== robot.duration) {
      check(durationError(command.duration));
      patch.duration = command.duration;
      // Harbor counts the duration from the robot's creation.
      patch.expiresAt = expiresAtFor(command.duration, new Date(robot.creationTime));
    }
    const projectName =
      robot.level === 'project'
        ? (await this.authority.projectById(robot.projectId ?? 0)).name
        : undefined;
    if (command.permissions !== undefined) {
      check(robotPermissionsError(robot.level, command.permissions, projectName));
      patch.permissions = normalizePermissions(command.permissions as RobotPermission[]);
      await this.authority.requireWithinOwn(actor, patch.permissions);
    }
    const changes = robotChanges(robot, patch);
    await this.dataSource.transaction(async (em) => {
      await this.robots.update(id, patch, em);
      // A robot saved back as it was (a whole form, say) is no change worth recording.
      if (changes.length > 0)
        await this.outbox.append(em, robotUpdated(audit, { robot, project: projectName }, changes));
    });
  }
}

/** The API names of the fields `patch` changes; never the values. */
function robotChanges(robot: RobotEntity, patch: RobotPatch): string[] {
  const changes: string[] = [];
  if (patch.description !== undefined && patch.description !== robot.description)
    changes.push('description');
  if (patch.disabled !== undefined && patch.disabled !== robot.disabled) changes.push('disable');
  if (patch.duration !== undefined && patch.duration !== robot.duration) changes.push('duration');
  if (
    patch.permissions !== undefined &&
    JSON.stringify(patch.permissions) !== JSON.stringify(normalizePermissions(robot.permissions))
  )
    changes.push('permissions');
  return changes;
}

@Injectable()
export class DeleteRobotUseCase {
  constructor(
    private readonly robots: RobotRepository,
    private readonly authority: RobotAuthority,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(actor: Principal, id: number, audit: Actor = actorOf(actor)): Promise<void> {
    const robot = await robotById(this.robots, id);
    await this.authority.require(actor, robot, 'robot:delete');
    const project = await this.authority.projectNameOf(robot);
    await this.dataSource.transaction(async (em) => {
      await this.robots.delete(id, em);
      await this.outbox.append(em, robotDeleted(audit, { robot, project }));
    });
  }
}

/**
 * `PATCH /robots/{id}`: sets the secret the caller chose (held to the password rule), or
 * generates one and answers it this once. Either way the old secret stops working.
 */
@Injectable()
export class RefreshRobotSecretUseCase {
  constructor(
    private readonly robots: RobotRepository,
    private readonly authority: RobotAuthority,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    id: number,
    chosen?: string,
    audit: Actor = actorOf(actor),
  ): Promise<string | undefined> {
    const robot = await robotById(this.robots, id);
    await this.authority.require(actor, robot, 'robot:update');
    if (chosen !== undefined) check(robotSecretError(chosen));
    const secret = chosen ?? generateRobotSecret();
    const project = await this.authority.projectNameOf(robot);
    await this.dataSource.transaction(async (em) => {
      await this.robots.update(id, { secretHash: hashSecret(secret) }, em);
      await this.outbox.append(em, robotUpdated(audit, { robot, project }, ['secret']));
    });
    return chosen === undefined ? secret : undefined;
  }
}
