import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { AuditEntry } from '../audit/audit-record.mapper';
import type { AuditRecord } from './audit-record';
import { AuditForwardEntity } from './audit-forward.entity';

/** Audit records waiting for the SIEM collector, oldest first. */
@Injectable()
export class AuditForwardRepository {
  constructor(private readonly dataSource: DataSource) {}

  async enqueue(manager: EntityManager, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = new Date().toISOString();
    for (let i = 0; i < entries.length; i += 200) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(AuditForwardEntity)
        .values(
          entries.slice(i, i + 200).map((e) => ({
            eventId: e.eventId,
            record: JSON.stringify(e),
            createdAt: now,
          })),
        )
        .orIgnore()
        .updateEntity(false)
        .execute();
    }
  }

  /** Up to `limit` waiting records in order; `id` is the queue row's. */
  async oldest(limit: number, manager?: EntityManager): Promise<AuditRecord[]> {
    const rows = await (manager ?? this.dataSource.manager)
      .getRepository(AuditForwardEntity)
      .find({ order: { id: 'ASC' }, take: limit });
    return rows.map((r) => ({ ...(JSON.parse(r.record) as AuditEntry), id: r.id }));
  }

  async remove(ids: number[], manager?: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await (manager ?? this.dataSource.manager)
      .getRepository(AuditForwardEntity)
      .delete({ id: In(ids) });
  }

  count(): Promise<number> {
    return this.dataSource.getRepository(AuditForwardEntity).count();
  }
}
