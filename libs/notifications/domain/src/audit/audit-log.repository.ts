import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { applyListQuery, type ListQuery, type Paging } from '@berth/api/domain';
import type { AuditEntry } from './audit-record.mapper';
import { AuditLogEntity } from './audit-log.entity';

/** `q` fields of the audit-log lists, as Harbor names them. */
export const AUDIT_LOG_COLUMNS = {
  username: 'a.username',
  operation: 'a.operation',
  resource: 'a.resource',
  resource_type: 'a.resourceType',
  op_time: 'a.opTime',
  operation_result: 'a.result',
  id: 'a.id',
} as const;

/** Who may see which rows: everything, or the rows of some projects. */
export type AuditScope = { all: true } | { all: false; projectIds: number[] };

const INSERT_ROWS = 100;

/** The audit log. Rows are only ever added and purged. */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Adds entries in the caller's transaction; an event already recorded is skipped. */
  async record(manager: EntityManager, entries: Array<AuditEntry>): Promise<void> {
    for (let i = 0; i < entries.length; i += INSERT_ROWS) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(AuditLogEntity)
        .values(
          entries.slice(i, i + INSERT_ROWS).map((e) => ({
            eventId: e.eventId,
            projectId: e.projectId ?? null,
            username: e.operator.slice(0, 255),
            resource: e.resource.slice(0, 1024),
            resourceType: e.resourceType,
            operation: e.operation,
            result: e.result,
            description: (e.description ?? '').slice(0, 1024),
            sourceAddress: e.sourceAddress ?? null,
            opTime: e.opTime,
          })),
        )
        .orIgnore()
        .updateEntity(false)
        .execute();
    }
  }

  async list(
    scope: AuditScope,
    query: ListQuery,
    paging: Paging,
  ): Promise<{ logs: AuditLogEntity[]; total: number }> {
    const qb = this.dataSource.getRepository(AuditLogEntity).createQueryBuilder('a');
    if (!scope.all) {
      if (scope.projectIds.length === 0) return { logs: [], total: 0 };
      qb.where({ projectId: In(scope.projectIds) });
    }
    applyListQuery(qb, query, AUDIT_LOG_COLUMNS, paging);
    if (query.sorts.length === 0) qb.orderBy('a.opTime', 'DESC').addOrderBy('a.id', 'DESC');
    else qb.addOrderBy('a.id', 'DESC');
    const [logs, total] = await qb.getManyAndCount();
    return { logs, total };
  }

  /** Rows older than `before` with one of `operations`: counted, and deleted unless a dry run. */
  async purge(before: string, operations: string[], dryRun: boolean): Promise<number> {
    const where = 'op_time < :before AND operation IN (:...operations)';
    if (dryRun) {
      return this.dataSource
        .getRepository(AuditLogEntity)
        .createQueryBuilder('a')
        .where('a.opTime < :before AND a.operation IN (:...operations)', { before, operations })
        .getCount();
    }
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(AuditLogEntity)
      .where(where, { before, operations })
      .execute();
    return result.affected ?? 0;
  }
}
