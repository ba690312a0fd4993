import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { bulkInsert } from '@berth/platform/database';
import type { AuditEntry } from '../audit/audit-record.mapper';
import type { AuditRecord } from './audit-record';
import { AuditForwardEntity } from './audit-forward.entity';

/** Audit records waiting for the SIEM collector, oldest first. */
@Injectable()
export class AuditForwardRepository {
  /** Queues records in the caller's transaction; a record already queued is kept. */
  async enqueue(manager: EntityManager, entries: AuditEntry[]): Promise<void> {
    const now = new Date().toISOString();
    await bulkInsert(
      manager,
      'audit_forward',
      ['event_id', 'record', 'created_at'],
      entries.map((e) => [e.eventId, JSON.stringify(e), now]),
      { skipConflictsOn: ['event_id'] },
    );
  }

  /**
   * Up to `limit` waiting records in order; `id` is the queue row's. With `lock` (PostgreSQL,
   * inside the caller's transaction) rows another notifier is sending are skipped.
   */
  async oldest(manager: EntityManager, limit: number, lock: boolean): Promise<AuditRecord[]> {
    const qb = manager
      .getRepository(AuditForwardEntity)
      .createQueryBuilder('f')
      .orderBy('f.id', 'ASC')
      .limit(limit);
    if (lock) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
    const rows = await qb.getMany();
    return rows.map((r) => ({ ...(JSON.parse(r.record) as AuditEntry), id: r.id }));
  }

  async remove(manager: EntityManager, ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.getRepository(AuditForwardEntity).delete({ id: In(ids) });
  }
}
