import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { applyListQuery, type ListQuery, type Paging } from '@berth/api/domain';
import { bulkInsert } from '@berth/platform/database';
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

const AUDIT_LOG_INSERT_COLUMNS = [
  'event_id',
  'project_id',
  'username',
  'resource',
  'resource_type',
  'operation',
  'operation_result',
  'description',
  'source_address',
  'op_time',
] as const;

/** The audit log. Rows are only ever added and purged. */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Adds entries in the caller's transaction; an event already recorded is skipped. */
  async record(manager: EntityManager, entries: Array<AuditEntry>): Promise<void> {
    if (entries.length === 0) return;
    await bulkInsert(
      manager,
      'audit_log',
      AUDIT_LOG_INSERT_COLUMNS,
      entries.map((e) => [
        e.eventId,
        e.projectId ?? null,
        e.operator.slice(0, 255),
        e.resource.slice(0, 1024),
        e.resourceType,
        e.operation,
        e.result,
        (e.description ?? '').slice(0, 1024),
        e.sourceAddress ?? null,
        e.opTime,
      ]),
      { skipConflictsOn: ['event_id'] },
    );
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
