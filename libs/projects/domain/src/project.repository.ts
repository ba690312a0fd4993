import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import {
  applyListQuery,
  conflict,
  escapeLike,
  type ListQuery,
  type Paging,
} from '@berth/api/domain';
import { RobotEntity } from '@berth/identity/domain';
import { ProjectEntity } from './project.entity';
import { ProjectMemberEntity } from './project-member.entity';
import { ProjectMetadataEntity } from './project-metadata.entity';
import { PROJECT_ROLES } from './project-role';

/** A live project with its metadata, as the use cases see it. */
export interface Project {
  id: number;
  name: string;
  ownerId: number;
  createdAt: string;
  updatedAt: string;
  metadata: Record<string, string>;
  isPublic: boolean;
}

export interface NewProject {
  name: string;
  ownerId: number;
  metadata: Record<string, string>;
}

export interface ProjectListFilter {
  /** Case-insensitive substring of the name. */
  name?: string;
  public?: boolean;
  ownerId?: number;
  /** Only public projects and those this user is a member of; all projects when undefined. */
  visibleTo?: { userId?: number };
  query: ListQuery;
  paging: Paging;
}

const LIST_COLUMNS = {
  name: 'p.name',
  project_id: 'p.project_id',
  creation_time: 'p.created_at',
  update_time: 'p.updated_at',
} as const;

const PUBLIC_SQL = `EXISTS (SELECT 1 FROM project_metadata pm WHERE pm.project_id = p.project_id AND pm.name = 'public' AND pm.value = 'true')`;

@Injectable()
export class ProjectRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The live project of this name (the registry resolves repositories with it). */
  findByName(name: string): Promise<ProjectEntity | null> {
    return this.dataSource.getRepository(ProjectEntity).findOneBy({ name, deleted: false });
  }

  findById(id: number): Promise<ProjectEntity | null> {
    return this.dataSource.getRepository(ProjectEntity).findOneBy({ id, deleted: false });
  }

  async getByName(name: string): Promise<Project | null> {
    const row = await this.findByName(name);
    return row ? this.withMetadata(row) : null;
  }

  async getById(id: number, manager?: EntityManager): Promise<Project | null> {
    const m = manager ?? this.dataSource.manager;
    const row = await m.getRepository(ProjectEntity).findOneBy({ id, deleted: false });
    return row ? this.withMetadata(row, m) : null;
  }

  /**
   * Inserts the project, its metadata and its creator as project admin, in one transaction:
   * `manager`'s when given, so the caller's other writes join it.
   */
  async create(project: NewProject, manager?: EntityManager): Promise<Project> {
    const now = new Date().toISOString();
    try {
      const id = await this.transaction(manager, async (m) => {
        const row = m.getRepository(ProjectEntity).create({
          name: project.name,
          ownerId: project.ownerId,
          deleted: false,
          createdAt: now,
          updatedAt: now,
        });
        await m.getRepository(ProjectEntity).insert(row);
        await this.upsertMetadata(m, row.id, project.metadata, now);
        await m.getRepository(ProjectMemberEntity).insert({
          projectId: row.id,
          entityId: project.ownerId,
          entityType: 'u',
          roleId: PROJECT_ROLES.projectAdmin,
          creationTime: now,
          updateTime: now,
        });
        return row.id;
      });
      return (await this.getById(id, manager))!;
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`the project named ${project.name} already exists`);
      throw e;
    }
  }

  async list(filter: ProjectListFilter): Promise<{ projects: Project[]; total: number }> {
    const qb = this.dataSource
      .getRepository(ProjectEntity)
      .createQueryBuilder('p')
      .where('p.deleted = :deleted', { deleted: false });
    if (filter.name)
      qb.andWhere("LOWER(p.name) LIKE LOWER(:name) ESCAPE '\\'", {
        name: `%${escapeLike(filter.name)}%`,
      });
    if (filter.public !== undefined) qb.andWhere(filter.public ? PUBLIC_SQL : `NOT ${PUBLIC_SQL}`);
    if (filter.ownerId !== undefined)
      qb.andWhere('p.owner_id = :ownerId', { ownerId: filter.ownerId });
    if (filter.visibleTo) {
      const userId = filter.visibleTo.userId;
      qb.andWhere(
        userId === undefined
          ? PUBLIC_SQL
          : `(${PUBLIC_SQL} OR EXISTS (SELECT 1 FROM project_member vm WHERE vm.project_id = p.project_id AND vm.entity_type = 'u' AND vm.entity_id = :viewer))`,
        userId === undefined ? {} : { viewer: userId },
      );
    }
    applyListQuery(qb, filter.query, LIST_COLUMNS);
    if (filter.query.sorts.length === 0) qb.orderBy('p.project_id', 'ASC');
    const [rows, total] = await qb
      .skip(filter.paging.offset)
      .take(filter.paging.limit)
      .getManyAndCount();
    return { projects: await Promise.all(rows.map((r) => this.withMetadata(r))), total };
  }

  async setMetadata(
    projectId: number,
    entries: Record<string, string>,
    manager?: EntityManager,
  ): Promise<void> {
    const now = new Date().toISOString();
    await this.transaction(manager, async (m) => {
      await this.upsertMetadata(m, projectId, entries, now);
      await m.getRepository(ProjectEntity).update({ id: projectId }, { updatedAt: now });
    });
  }

  async deleteMetadata(projectId: number, name: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager)
      .getRepository(ProjectMetadataEntity)
      .delete({ projectId, name });
  }

  /**
   * Harbor's soft delete: the row stays, renamed `name#id`, its members and metadata go.
   * Answers the project robots deleted with it.
   */
  async markDeleted(
    project: Project,
    manager?: EntityManager,
  ): Promise<Pick<RobotEntity, 'id' | 'name'>[]> {
    return this.transaction(manager, async (m) => {
      await m.getRepository(ProjectMemberEntity).delete({ projectId: project.id });
      await m.getRepository(ProjectMetadataEntity).delete({ projectId: project.id });
      // Its robots go with it, as in Harbor (system robots naming it by name stay, and would
      // reach a new project of that name, which is how Harbor's namespaces behave too).
      const robots = await m.getRepository(RobotEntity).find({
        select: { id: true, name: true },
        where: { projectId: project.id, level: 'project' },
        order: { id: 'ASC' },
      });
      await m.getRepository(RobotEntity).delete({ projectId: project.id, level: 'project' });
      await m.getRepository(ProjectEntity).update(
        { id: project.id },
        {
          deleted: true,
          name: `${project.name}#${project.id}`,
          updatedAt: new Date().toISOString(),
        },
      );
      return robots;
    });
  }

  /** Runs `work` in `manager`'s transaction when given, else in a new one. */
  private transaction<T>(
    manager: EntityManager | undefined,
    work: (m: EntityManager) => Promise<T>,
  ): Promise<T> {
    return manager ? work(manager) : this.dataSource.transaction(work);
  }

  private async upsertMetadata(
    m: EntityManager,
    projectId: number,
    entries: Record<string, string>,
    now: string,
  ): Promise<void> {
    const repo = m.getRepository(ProjectMetadataEntity);
    for (const [name, value] of Object.entries(entries)) {
      const updated = await repo.update({ projectId, name }, { value, updateTime: now });
      if (!updated.affected)
        await repo.insert({ projectId, name, value, creationTime: now, updateTime: now });
    }
  }

  private async withMetadata(
    row: ProjectEntity,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Project> {
    const entries = await manager
      .getRepository(ProjectMetadataEntity)
      .find({ where: { projectId: row.id }, order: { name: 'ASC' } });
    const metadata = Object.fromEntries(entries.map((e) => [e.name, e.value]));
    return {
      id: row.id,
      name: row.name,
      ownerId: row.ownerId,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      metadata,
      isPublic: metadata['public'] === 'true',
    };
  }
}

export function isUniqueViolation(e: unknown): boolean {
  if (!(e instanceof QueryFailedError)) return false;
  const driverError = e.driverError as { code?: unknown } | undefined;
  // PostgreSQL unique_violation, SQLite SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY.
  return (
    driverError?.code === '23505' ||
    driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    driverError?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
