import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { applyListQuery, type ListQuery, type Paging } from '@berth/api/domain';
import { bulkInsert } from '@berth/platform/database';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookJobEntity, type WebhookJobStatus } from './webhook-job.entity';

export type NewWebhookJob = Pick<
  WebhookJobEntity,
  | 'policyId'
  | 'projectId'
  | 'eventId'
  | 'targetIndex'
  | 'eventType'
  | 'vendorType'
  | 'address'
  | 'contentType'
  | 'payload'
>;

/** How one attempt ended, and what the job becomes. */
export interface AttemptOutcome {
  startedAt: string;
  durationMs: number;
  statusCode?: number;
  ok: boolean;
  error?: string;
  /** Next state: Success, Error (gave up) or Pending (retry at retryAt). */
  status: WebhookJobStatus;
  retryAt?: number;
}

export interface LastTrigger {
  policyId: number;
  eventType: string;
  lastTriggerTime: string;
}

const EXECUTION_COLUMNS = {
  id: 'j.id',
  status: 'j.status',
  vendor_type: 'j.vendorType',
  start_time: 'j.startTime',
  end_time: 'j.endTime',
  creation_time: 'j.creationTime',
} as const;

/** What a queued job is inserted with; the rest take their column defaults. */
const JOB_INSERT_COLUMNS = [
  'policy_id',
  'project_id',
  'event_id',
  'target_index',
  'event_type',
  'vendor_type',
  'address',
  'content_type',
  'payload',
  'status',
  'next_attempt_at',
  'creation_time',
  'update_time',
] as const;

/** Webhook deliveries: queued by the event consumer, claimed and settled by the dispatcher. */
@Injectable()
export class WebhookJobRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Queues jobs in the caller's transaction; a job already queued for (policy, event, target) is kept. */
  async enqueue(manager: EntityManager, jobs: NewWebhookJob[]): Promise<void> {
    const now = new Date().toISOString();
    const nowMs = Date.now();
    await bulkInsert(
      manager,
      'webhook_job',
      JOB_INSERT_COLUMNS,
      jobs.map((j) => [
        j.policyId,
        j.projectId,
        j.eventId,
        j.targetIndex,
        j.eventType,
        j.vendorType,
        j.address,
        j.contentType,
        j.payload,
        'Pending',
        nowMs,
        now,
        now,
      ]),
      { skipConflictsOn: ['policy_id', 'event_id', 'target_index'] },
    );
  }

  /**
   * Claims up to `limit` due jobs for `leaseMs`: pending ones whose time has come and running
   * ones whose claimant's lease ran out (it died mid-attempt). `room(policyId)` says how many
   * more jobs of a policy this notifier may run, so one slow receiver cannot take every slot.
   */
  async claimDue(
    limit: number,
    leaseMs: number,
    room: (policyId: number) => number,
  ): Promise<WebhookJobEntity[]> {
    const now = Date.now();
    const due =
      "((j.status = 'Pending' AND j.next_attempt_at <= :now) OR (j.status = 'Running' AND j.lease_until < :now))";
    const candidates = await this.dataSource
      .getRepository(WebhookJobEntity)
      .createQueryBuilder('j')
      .select('j.id', 'id')
      .addSelect('j.policyId', 'policyId')
      .where(due, { now })
      .orderBy('j.nextAttemptAt', 'ASC')
      .addOrderBy('j.id', 'ASC')
      .limit(limit * 4)
      .getRawMany<{ id: number | string; policyId: number | string }>();
    const taken = new Map<number, number>();
    const ids: number[] = [];
    for (const c of candidates) {
      const policyId = Number(c.policyId);
      const n = taken.get(policyId) ?? 0;
      if (n >= room(policyId)) continue;
      taken.set(policyId, n + 1);
      ids.push(Number(c.id));
      if (ids.length >= limit) break;
    }
    if (ids.length === 0) return [];
    const claim = randomUUID();
    // Conditional update: of two notifiers racing for a row, only one still sees it claimable.
    await this.dataSource
      .createQueryBuilder()
      .update(WebhookJobEntity)
      .set({
        status: 'Running',
        claim,
        leaseUntil: now + leaseMs,
        startTime: () => 'COALESCE(start_time, :startTime)',
        updateTime: new Date(now).toISOString(),
      })
      .setParameter('startTime', new Date(now).toISOString())
      .where('id IN (:...ids)', { ids })
      .andWhere(due.replace(/j\./g, ''), { now })
      .execute();
    return this.dataSource
      .getRepository(WebhookJobEntity)
      .createQueryBuilder('j')
      .where('j.id IN (:...ids) AND j.claim = :claim', { ids, claim })
      .orderBy('j.nextAttemptAt', 'ASC')
      .addOrderBy('j.id', 'ASC')
      .getMany();
  }

  /** Records the attempt and moves the job on, if this notifier still holds its claim. */
  async settle(job: WebhookJobEntity, outcome: AttemptOutcome): Promise<void> {
    const now = new Date().toISOString();
    await this.dataSource.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(WebhookJobEntity)
        .set({
          status: outcome.status,
          attempts: job.attempts + 1,
          statusMessage: (outcome.ok ? '' : (outcome.error ?? '')).slice(0, 1024),
          nextAttemptAt: outcome.retryAt ?? job.nextAttemptAt,
          leaseUntil: 0,
          claim: null,
          updateTime: now,
          ...(outcome.status === 'Pending' ? {} : { endTime: now }),
        })
        .where({ id: job.id, claim: job.claim })
        .execute();
      if ((result.affected ?? 0) === 0) return;
      await em
        .createQueryBuilder()
        .insert()
        .into(WebhookAttemptEntity)
        .values({
          jobId: job.id,
          attempt: job.attempts + 1,
          startedAt: outcome.startedAt,
          durationMs: Math.round(outcome.durationMs),
          statusCode: outcome.statusCode ?? null,
          ok: outcome.ok,
          error: (outcome.error ?? '').slice(0, 1024),
        })
        .updateEntity(false)
        .execute();
    });
  }

  async executions(
    policyId: number,
    query: ListQuery,
    paging: Paging,
  ): Promise<{ jobs: WebhookJobEntity[]; total: number }> {
    const qb = this.dataSource
      .getRepository(WebhookJobEntity)
      .createQueryBuilder('j')
      .where('j.policyId = :policyId', { policyId });
    applyListQuery(qb, query, EXECUTION_COLUMNS, paging);
    if (query.sorts.length === 0) qb.orderBy('j.id', 'DESC');
    const [jobs, total] = await qb.getManyAndCount();
    return { jobs, total };
  }

  job(policyId: number, id: number): Promise<WebhookJobEntity | null> {
    return this.dataSource.getRepository(WebhookJobEntity).findOneBy({ policyId, id });
  }

  attempts(jobId: number): Promise<WebhookAttemptEntity[]> {
    return this.dataSource
      .getRepository(WebhookAttemptEntity)
      .find({ where: { jobId }, order: { attempt: 'ASC', id: 'ASC' } });
  }

  /** The newest delivery per policy and event type of a project. */
  async lastTriggers(projectId: number): Promise<LastTrigger[]> {
    const rows = await this.dataSource
      .getRepository(WebhookJobEntity)
      .createQueryBuilder('j')
      .select('j.policyId', 'policyId')
      .addSelect('j.eventType', 'eventType')
      .addSelect('MAX(j.creationTime)', 'lastTriggerTime')
      .where('j.projectId = :projectId', { projectId })
      .groupBy('j.policyId')
      .addGroupBy('j.eventType')
      .getRawMany<{ policyId: number | string; eventType: string; lastTriggerTime: string }>();
    return rows.map((r) => ({ ...r, policyId: Number(r.policyId) }));
  }

  /**
   * Deletes finished deliveries (and their attempts) that ended before `before`; pending and
   * running ones stay whatever their age. Returns how many went.
   */
  async sweepFinished(before: string): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(WebhookJobEntity)
      .where("status IN ('Success', 'Error', 'Stopped') AND end_time < :before", { before })
      .execute();
    return result.affected ?? 0;
  }
}
