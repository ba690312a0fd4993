import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { IdentityError } from '../identity.errors';
import { RobotEntity } from './robot.entity';
import type { RobotLevel } from './robot-permission';

export type NewRobot = Pick<
  RobotEntity,
  | 'name'
  | 'description'
  | 'level'
  | 'projectId'
  | 'secretHash'
  | 'disabled'
  | 'duration'
  | 'expiresAt'
  | 'permissions'
  | 'creator'
>;
export type RobotPatch = Partial<
  Pick<
    RobotEntity,
    'description' | 'secretHash' | 'disabled' | 'duration' | 'expiresAt' | 'permissions'
  >
>;
export interface RobotFilter {
  level?: RobotLevel;
  projectId?: number;
}
export interface RobotPage {
  robots: RobotEntity[];
  total: number;
}

/** Where robots live. */
export abstract class RobotRepository {
  abstract findById(id: number): Promise<RobotEntity | null>;
  abstract findByName(name: string): Promise<RobotEntity | null>;
  /** By id; `window` as in the users list. */
  abstract list(filter: RobotFilter, window: { offset: number; limit: number }): Promise<RobotPage>;
  /** Inserts; a taken name is a CONFLICT. Writes go through `manager` when given, to join its transaction. */
  abstract create(robot: NewRobot, manager?: EntityManager): Promise<RobotEntity>;
  abstract update(id: number, patch: RobotPatch, manager?: EntityManager): Promise<void>;
  abstract delete(id: number, manager?: EntityManager): Promise<void>;
}

@Injectable()
export class TypeOrmRobotRepository extends RobotRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get robots() {
    return this.dataSource.getRepository(RobotEntity);
  }

  private writer(manager: EntityManager | undefined) {
    return manager?.getRepository(RobotEntity) ?? this.robots;
  }

  findById(id: number): Promise<RobotEntity | null> {
    return this.robots.findOneBy({ id });
  }

  findByName(name: string): Promise<RobotEntity | null> {
    return this.robots.findOneBy({ name });
  }

  async list(filter: RobotFilter, window: { offset: number; limit: number }): Promise<RobotPage> {
    const qb = this.robots.createQueryBuilder('r');
    if (filter.level !== undefined) qb.andWhere('r.level = :level', { level: filter.level });
    if (filter.projectId !== undefined)
      qb.andWhere('r.projectId = :projectId', { projectId: filter.projectId });
    const [robots, total] = await qb
      .orderBy('r.id', 'ASC')
      .skip(window.offset)
      .take(window.limit)
      .getManyAndCount();
    return { robots, total };
  }

  async create(robot: NewRobot, manager?: EntityManager): Promise<RobotEntity> {
    const now = new Date().toISOString();
    const row = this.robots.create({
      name: robot.name,
      description: robot.description,
      level: robot.level,
      projectId: robot.projectId,
      secretHash: robot.secretHash,
      disabled: robot.disabled,
      duration: robot.duration,
      expiresAt: robot.expiresAt,
      permissions: robot.permissions,
      creator: robot.creator,
      creationTime: now,
      updateTime: now,
    });
    try {
      await this.writer(manager).insert(row);
    } catch (e) {
      if (isUniqueViolation(e)) throw new IdentityError('CONFLICT', 'robot name already exists');
      throw e;
    }
    return row;
  }

  async update(id: number, patch: RobotPatch, manager?: EntityManager): Promise<void> {
    await this.writer(manager).update({ id }, { ...patch, updateTime: new Date().toISOString() });
  }

  async delete(id: number, manager?: EntityManager): Promise<void> {
    await this.writer(manager).delete({ id });
  }
}

function isUniqueViolation(e: unknown): boolean {
  if (!(e instanceof QueryFailedError)) return false;
  const driverError = e.driverError as { code?: unknown } | undefined;
  return driverError?.code === '23505' || driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Robots in a Map, unique by name; for unit specs. */
export class InMemoryRobotRepository extends RobotRepository {
  readonly rows = new Map<number, RobotEntity>();
  private nextId = 1;

  async findById(id: number): Promise<RobotEntity | null> {
    const r = this.rows.get(id);
    return r ? { ...r } : null;
  }
  async findByName(name: string): Promise<RobotEntity | null> {
    const r = [...this.rows.values()].find((x) => x.name === name);
    return r ? { ...r } : null;
  }
  async list(filter: RobotFilter, window: { offset: number; limit: number }): Promise<RobotPage> {
    const all = [...this.rows.values()].filter(
      (r) =>
        (filter.level === undefined || r.level === filter.level) &&
        (filter.projectId === undefined || r.projectId === filter.projectId),
    );
    return {
      robots: all.slice(window.offset, window.offset + window.limit).map((r) => ({ ...r })),
      total: all.length,
    };
  }
  async create(robot: NewRobot): Promise<RobotEntity> {
    if ([...this.rows.values()].some((r) => r.name === robot.name))
      throw new IdentityError('CONFLICT', 'robot name already exists');
    const now = new Date().toISOString();
    const row: RobotEntity = { ...robot, id: this.nextId++, creationTime: now, updateTime: now };
    this.rows.set(row.id, row);
    return { ...row };
  }
  async update(id: number, patch: RobotPatch): Promise<void> {
    const row = this.rows.get(id);
    if (row) Object.assign(row, patch, { updateTime: new Date().toISOString() });
  }
  async delete(id: number): Promise<void> {
    this.rows.delete(id);
  }
}
