import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { badRequest } from '@berth/api/domain';
import { CronSchedule } from '@berth/notifications/domain';
import { SystemSettingEntity, SystemSettingRepository } from '@berth/platform/database';
import { OutboxWriter } from '@berth/platform/messaging';
import { RegistryContent } from '../service/registry-content';
import { RequestScanUseCase } from './request-scan.usecase';
import { ScanReportRepository } from './scan-report.repository';
import type { ScanStatus } from './scan-report.entity';
import { isScannable } from './scannable';
import { ScanningSignals } from './scanning-signals';
import { announceStopped } from './stop-scan.usecase';

export type ScanAllScheduleType = 'None' | 'Hourly' | 'Daily' | 'Weekly' | 'Custom';

/** The stored scan-all schedule. */
export interface ScanAllSchedule {
  type: ScanAllScheduleType;
  /** Harbor's six-field cron; '' for None. */
  cron: string;
}

/** The latest scan-all run. */
export interface ScanAllRun {
  id: string;
  trigger: 'Manual' | 'Schedule';
  requester: string;
  startTime: string;
  /** How many scans it asked for (artifacts already being scanned are not asked again). */
  requested: number;
}

/** Harbor's scan-all Stats. */
export interface ScanAllMetrics {
  total: number;
  completed: number;
  metrics: Partial<Record<ScanStatus, number>>;
  requester: string;
  ongoing: boolean;
  trigger: string;
}

const SCHEDULE_KEY = 'scan_all.schedule';
const RUN_KEY = 'scan_all.run';
const SLOT_KEY = 'scan_all.last_slot';
const CRON_OF: Record<Exclude<ScanAllScheduleType, 'None' | 'Custom'>, string> = {
  Hourly: '0 0 * * * *',
  Daily: '0 0 0 * * *',
  Weekly: '0 0 0 * * 0',
};
const NO_SCHEDULE: ScanAllSchedule = { type: 'None', cron: '' };
/** Scan requests per transaction. */
const BATCH = 200;

/**
 * Harbor's scan all: every image and index in the registry scanned by the default scanner, on
 * demand or on a cron schedule; the latest run's progress is counted from the reports it asked
 * for. Of several scanners looking at the schedule, one claims each minute that fires.
 */
@Injectable()
export class ScanAllService {
  private readonly logger = new Logger('ScanAll');
  private readonly settings: SystemSettingRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly content: RegistryContent,
    private readonly requestScan: RequestScanUseCase,
    private readonly reports: ScanReportRepository,
    private readonly outbox: OutboxWriter,
    private readonly signals: ScanningSignals,
  ) {
    this.settings = new SystemSettingRepository(dataSource);
  }

  async schedule(): Promise<ScanAllSchedule> {
    const raw = await this.settings.get(SCHEDULE_KEY);
    return raw ? (JSON.parse(raw) as ScanAllSchedule) : NO_SCHEDULE;
  }

  nextRun(s: ScanAllSchedule, from = new Date()): string | undefined {
    if (s.type === 'None' || !s.cron) return undefined;
    return CronSchedule.parse(s.cron).next(from)?.toISOString();
  }

  /**
   * Harbor's `{schedule: {type, cron}}`: `Manual` starts a run now (keeping the stored
   * schedule) and returns it; any other type replaces the schedule.
   */
  async setSchedule(body: unknown, requester: string): Promise<ScanAllRun | undefined> {
    const schedule = parseSchedule(body);
    if (schedule === 'Manual') return this.run('Manual', requester);
    await this.settings.set(SCHEDULE_KEY, JSON.stringify(schedule));
    return undefined;
  }

  /** Starts a run if the schedule fires in the minute of `now` and no other scanner took it. */
  async tick(now = new Date()): Promise<void> {
    const s = await this.schedule();
    if (s.type === 'None' || !s.cron || !CronSchedule.parse(s.cron).matchesMinute(now)) return;
    const slot = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
    await this.settings.getOrCreate(SLOT_KEY, () => '');
    // Conditional update: of several scanners, one moves the slot forward and runs.
    const claimed = await this.dataSource
      .createQueryBuilder()
      .update(SystemSettingEntity)
      .set({ value: slot, updatedAt: new Date().toISOString() })
      .where({ key: SLOT_KEY })
      .andWhere('value < :slot', { slot })
      .execute();
    if ((claimed.affected ?? 0) === 0) return;
    await this.run('Schedule', 'scheduler');
  }

  /** One scan-all run: a scan of every scannable artifact, asked in batches. */
  async run(trigger: ScanAllRun['trigger'], requester: string): Promise<ScanAllRun> {
    const id = randomUUID();
    const run: ScanAllRun = {
      id,
      trigger,
      requester,
      startTime: new Date().toISOString(),
      requested: 0,
    };
    await this.settings.put(RUN_KEY, JSON.stringify(run));
    const targets = (await this.content.allScannable()).filter((t) => isScannable(t.manifest));
    for (let i = 0; i < targets.length; i += BATCH) {
      const batch = targets.slice(i, i + BATCH);
      run.requested += await this.dataSource.transaction(async (em) => {
        let created = 0;
        for (const t of batch) {
          const r = await this.requestScan.within(em, {
            repository: t.repository,
            digest: t.manifest.digest,
            requestedBy: requester,
            scanAllId: id,
          });
          if (r.created) created += 1;
        }
        return created;
      });
      this.signals.emit('requested');
    }
    await this.settings.put(RUN_KEY, JSON.stringify(run));
    this.logger.log(`scan all (${trigger}) asked for ${run.requested} scans`);
    return run;
  }

  async latestRun(): Promise<ScanAllRun | undefined> {
    const raw = await this.settings.get(RUN_KEY);
    return raw ? (JSON.parse(raw) as ScanAllRun) : undefined;
  }

  async metrics(): Promise<ScanAllMetrics> {
    const run = await this.latestRun();
    if (!run)
      return { total: 0, completed: 0, metrics: {}, requester: '', ongoing: false, trigger: '' };
    const counts = await this.reports.countsOfScanAll(run.id);
    let total = 0;
    let completed = 0;
    const metrics: Partial<Record<ScanStatus, number>> = {};
    for (const [status, n] of counts) {
      metrics[status] = n;
      total += n;
      if (status !== 'Pending' && status !== 'Running') completed += n;
    }
    return {
      total,
      completed,
      metrics,
      requester: run.requester,
      ongoing: completed < total,
      trigger: run.trigger,
    };
  }

  /** Stops what the latest run still has pending or running; false when nothing was. */
  async stop(): Promise<boolean> {
    const run = await this.latestRun();
    if (!run) return false;
    const stopped = await this.dataSource.transaction(async (em) => {
      const rows = await this.reports.stopScanAll(em, run.id);
      for (const r of rows) await announceStopped(this.outbox, em, r);
      return rows;
    });
    return stopped.length > 0;
  }
}

function parseSchedule(body: unknown): ScanAllSchedule | 'Manual' {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('the body must be a JSON object');
  const s = ((body as { schedule?: unknown }).schedule ?? {}) as { type?: unknown; cron?: unknown };
  const types = ['None', 'Hourly', 'Daily', 'Weekly', 'Custom', 'Manual', 'Schedule'];
  if (typeof s.type !== 'string' || !types.includes(s.type))
    throw badRequest(`schedule.type must be one of ${types.join(', ')}`);
  if (s.type === 'Manual') return 'Manual';
  // Harbor's portal sends `Schedule` with a cron for a custom schedule.
  const type = (s.type === 'Schedule' ? 'Custom' : s.type) as ScanAllScheduleType;
  const cron =
    type === 'Custom'
      ? typeof s.cron === 'string'
        ? s.cron
        : ''
      : type === 'None'
        ? ''
        : CRON_OF[type];
  if (type === 'Custom') {
    if (!cron) throw badRequest('schedule.cron is required for Custom');
    try {
      CronSchedule.parse(cron);
    } catch (e) {
      throw badRequest(e instanceof Error ? e.message : 'bad cron');
    }
  }
  return { type, cron };
}
