import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { conflict, escapeLike, type Paging } from '@berth/api/domain';
import { ProjectMemberEntity } from './project-member.entity';
import { isUniqueViolation } from './project.repository';
import type { ProjectRoleId } from './project-role';

@Injectable()
export class ProjectMemberRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get members() {
    return this.dataSource.getRepository(ProjectMemberEntity);
  }

  findByUser(projectId: number, userId: number): Promise<ProjectMemberEntity | null> {
    return this.members.findOneBy({ projectId, entityId: userId, entityType: 'u' });
  }

  /** Every project the user is a member of, with the role held there. */
  async rolesOfUser(userId: number): Promise<Array<{ projectId: number; roleId: ProjectRoleId }>> {
    const rows = await this.members.find({
      where: { entityId: userId, entityType: 'u' },
      select: { projectId: true, roleId: true },
    });
    return rows.map((m) => ({ projectId: m.projectId, roleId: m.roleId }));
  }

  /** The member only if it belongs to this project: an id from another project is not found. */
  findInProject(projectId: number, id: number): Promise<ProjectMemberEntity | null> {
    return this.members.findOneBy({ projectId, id });
  }

  /** A page of the project's members; with `entityName`, those whose name contains it (Harbor's `entityname`). */
  async list(
    projectId: number,
    paging: Paging,
    entityName?: string,
  ): Promise<{ members: ProjectMemberEntity[]; total: number }> {
    const qb = this.members.createQueryBuilder('m').where('m.project_id = :projectId', {
      projectId,
    });
    if (entityName)
      qb.innerJoin('user', 'u', "u.user_id = m.entity_id AND m.entity_type = 'u'").andWhere(
        "LOWER(u.username) LIKE LOWER(:name) ESCAPE '\\'",
        { name: `%${escapeLike(entityName)}%` },
      );
    const [members, total] = await qb
      .orderBy('m.id', 'ASC')
      .skip(paging.offset)
      .take(paging.limit)
      .getManyAndCount();
    return { members, total };
  }

  /** Writes go through `manager` when given, to join its transaction. */
  async add(
    projectId: number,
    userId: number,
    roleId: ProjectRoleId,
    manager?: EntityManager,
  ): Promise<ProjectMemberEntity> {
    const now = new Date().toISOString();
    const row = this.members.create({
      projectId,
      entityId: userId,
      entityType: 'u',
      roleId,
      creationTime: now,
      updateTime: now,
    });
    try {
      await this.writer(manager).insert(row);
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('the user is already a member of the project');
      throw e;
    }
    return row;
  }

  async updateRole(
    projectId: number,
    id: number,
    roleId: ProjectRoleId,
    manager?: EntityManager,
  ): Promise<void> {
    await this.writer(manager).update(
      { projectId, id },
      { roleId, updateTime: new Date().toISOString() },
    );
  }

  async delete(projectId: number, id: number, manager?: EntityManager): Promise<void> {
    await this.writer(manager).delete({ projectId, id });
  }

  private writer(manager: EntityManager | undefined) {
    return manager?.getRepository(ProjectMemberEntity) ?? this.members;
  }

  /** How many members hold each role. */
  async countByRole(projectId: number): Promise<Map<ProjectRoleId, number>> {
    const rows = await this.members
      .createQueryBuilder('m')
      .select('m.role_id', 'role')
      .addSelect('COUNT(*)', 'n')
      .where('m.project_id = :projectId', { projectId })
      .groupBy('m.role_id')
      .getRawMany<{ role: number; n: number | string }>();
    return new Map(rows.map((r) => [Number(r.role) as ProjectRoleId, Number(r.n)]));
  }
}
