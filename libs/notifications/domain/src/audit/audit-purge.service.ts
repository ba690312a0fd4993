import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { badRequest } from '@berth/api/domain';
import { SystemSettingRepository } from '@berth/platform/database';
import { AuditLogRepository } from './audit-log.repository';
import { AuditPurgeExecutionEntity } from './audit-purge.entity';
import { CronSchedule } from './cron';

export type PurgeScheduleType = 'None' | 'Hourly' | 'Daily' | 'Weekly' | 'Custom';

export interface PurgeParameters {
  /** Rows older than this many hours go. */
  auditRetentionHour: number;
  /** Operations purged, e.g. ['create', 'delete', 'pull']. */
  includeOperations: string[];
  dryRun: boolean;
}

export interface PurgeSchedule {
  type: PurgeScheduleType;
  cron: string;
  parameters: PurgeParameters;
}

const SCHEDULE_KEY = 'audit_purge.schedule';
const CRON_OF: Record<Exclude<PurgeScheduleType, 'None' | 'Custom'>, string> = {
  Hourly: '0 0 * * * *',
  Daily: '0 0 0 * * *',
  Weekly: '0 0 0 * * 0',
};
const OPERATIONS = ['create', 'delete', 'pull', 'update', 'login', 'logout'];
const NO_SCHEDULE: PurgeSchedule = {
  type: 'None',
  cron: '',
  parameters: {
    auditRetentionHour: 24 * 30,
    includeOperations: ['create', 'delete', 'pull'],
    dryRun: false,
  },
};

/**
 * Retention for the audit log: a purge run on demand (with dry run) or on a schedule, each run
 * recorded with what it removed. Scheduled runs are keyed by their minute, so of several
 * notifiers only one runs a slot.
 */
@Injectable()
export class AuditPurgeService {
  private readonly logger = new Logger(AuditPurgeService.name);
  private readonly settings: SystemSettingRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLogRepository,
  ) {
    this.settings = new SystemSettingRepository(dataSource);
  }

  async schedule(): Promise<PurgeSchedule> {
    const raw = await this.settings.get(SCHEDULE_KEY);
    return raw ? (JSON.parse(raw) as PurgeSchedule) : NO_SCHEDULE;
  }

  /**
   * Harbor's `{schedule: {type, cron}, parameters: {audit_retention_hour, include_operations,
   * dry_run}}`. `Manual` runs a purge now and keeps the stored schedule; returns that run.
   */
  async setSchedule(body: unknown): Promise<AuditPurgeExecutionEntity | undefined> {
    const { schedule, parameters } = parseScheduleBody(body);
    if (schedule.type === 'Manual') return this.run('MANUAL', parameters);
    const cron =
      schedule.type === 'Custom'
        ? schedule.cron
        : schedule.type === 'None'
          ? ''
          : CRON_OF[schedule.type];
    if (cron) {
      try {
        CronSchedule.parse(cron);
      } catch (e) {
        throw badRequest(e instanceof Error ? e.message : 'bad cron');
      }
    }
    const stored: PurgeSchedule = { type: schedule.type, cron, parameters };
    await this.settings.set(SCHEDULE_KEY, JSON.stringify(stored));
    return undefined;
  }

  /** Runs the schedule if it fires in the minute of `now`; called about twice a minute. */
  async tick(now = new Date()): Promise<void> {
    const s = await this.schedule();
    if (s.type === 'None' || !s.cron) return;
    if (!CronSchedule.parse(s.cron).matchesMinute(now)) return;
    const slot = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
    await this.run('SCHEDULE', s.parameters, slot);
  }

  nextRun(s: PurgeSchedule, from = new Date()): string | undefined {
    if (s.type === 'None' || !s.cron) return undefined;
    return CronSchedule.parse(s.cron).next(from)?.toISOString();
  }

  /** One purge; for a scheduled slot another notifier already ran, nothing. */
  async run(
    trigger: 'MANUAL' | 'SCHEDULE',
    p: PurgeParameters,
    slot?: string,
  ): Promise<AuditPurgeExecutionEntity | undefined> {
    const repo = this.dataSource.getRepository(AuditPurgeExecutionEntity);
    if (slot !== undefined && (await repo.existsBy({ slot }))) return undefined;
    let id: number;
    try {
      ({ id } = await repo.save(
        repo.create({
          trigger,
          slot: slot ?? null,
          dryRun: p.dryRun,
          retentionHours: p.auditRetentionHour,
          includeOperations: p.includeOperations.join(','),
          status: 'Running',
          purged: 0,
          log: '',
          startTime: new Date().toISOString(),
          endTime: null,
        }),
      ));
    } catch (e) {
      // Another notifier took this slot between the check and the insert.
      if (slot !== undefined && (await repo.existsBy({ slot }))) return undefined;
      throw e;
    }
    const before = new Date(Date.now() - p.auditRetentionHour * 3_600_000).toISOString();
    let status: AuditPurgeExecutionEntity['status'] = 'Success';
    let log: string;
    let purged = 0;
    try {
      purged = await this.auditLog.purge(before, p.includeOperations, p.dryRun);
      log = `${p.dryRun ? 'dry run: would purge' : 'purged'} ${purged} audit log records older than ${before} with operations ${p.includeOperations.join(',')}\n`;
    } catch (e) {
      status = 'Error';
      log = `purge failed: ${e instanceof Error ? e.message : String(e)}\n`;
      this.logger.warn(log.trim());
    }
    await repo.update({ id }, { status, purged, log, endTime: new Date().toISOString() });
    return repo.findOneByOrFail({ id });
  }

  async executions(
    offset: number,
    limit: number,
  ): Promise<{ runs: AuditPurgeExecutionEntity[]; total: number }> {
    const [runs, total] = await this.dataSource
      .getRepository(AuditPurgeExecutionEntity)
      .findAndCount({ order: { id: 'DESC' }, skip: offset, take: limit });
    return { runs, total };
  }

  execution(id: number): Promise<AuditPurgeExecutionEntity | null> {
    return this.dataSource.getRepository(AuditPurgeExecutionEntity).findOneBy({ id });
  }
}

interface ScheduleBody {
  schedule: { type: PurgeScheduleType | 'Manual'; cron: string };
  parameters: PurgeParameters;
}

function parseScheduleBody(body: unknown): ScheduleBody {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('the body must be a JSON object');
  const b = body as { schedule?: unknown; parameters?: unknown };
  const s = (b.schedule ?? {}) as { type?: unknown; cron?: unknown };
  const types = ['None', 'Hourly', 'Daily', 'Weekly', 'Custom', 'Manual', 'Schedule'];
  if (typeof s.type !== 'string' || !types.includes(s.type))
    throw badRequest(`schedule.type must be one of ${types.join(', ')}`);
  // Harbor's portal sends `Schedule` with a cron for a custom schedule.
  const type = (s.type === 'Schedule' ? 'Custom' : s.type) as ScheduleBody['schedule']['type'];
  const cron = typeof s.cron === 'string' ? s.cron : '';
  if (type === 'Custom' && !cron) throw badRequest('schedule.cron is required for Custom');
  const p = (b.parameters ?? {}) as Record<string, unknown>;
  const hours = p['audit_retention_hour'] ?? NO_SCHEDULE.parameters.auditRetentionHour;
  if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 1 || hours > 24 * 365 * 100)
    throw badRequest('parameters.audit_retention_hour must be a whole number of hours, at least 1');
  const opsRaw = p['include_operations'] ?? NO_SCHEDULE.parameters.includeOperations.join(',');
  if (typeof opsRaw !== 'string')
    throw badRequest('parameters.include_operations must be a string');
  const ops = opsRaw
    .split(',')
    .map((o) => o.trim().toLowerCase())
    .filter(Boolean);
  const unknown = ops.find((o) => !OPERATIONS.includes(o));
  if (ops.length === 0 || unknown)
    throw badRequest(`parameters.include_operations takes ${OPERATIONS.join(', ')}`);
  const dry = p['dry_run'] ?? false;
  if (typeof dry !== 'boolean') throw badRequest('parameters.dry_run must be a boolean');
  return {
    schedule: { type, cron },
    parameters: { auditRetentionHour: hours, includeOperations: ops, dryRun: dry },
  };
}
