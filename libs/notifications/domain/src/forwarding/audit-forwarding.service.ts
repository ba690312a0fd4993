import * as fs from 'node:fs';
import * as os from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { backoffDelayMs } from '@berth/platform/messaging';
import { SystemConfigurations } from '../configurations/system-configurations';
import { IdlePause } from '../idle-pause';
import { NotificationSignals } from '../notification-signals';
import { AuditForwardRepository } from './audit-forward.repository';
import { AuditForwarder, parseForwardEndpoint } from './audit-forwarder';

const BATCH = 200;
const IDLE_MS = 2000;

/**
 * Sends queued audit records to the configured SIEM collector in order and removes them only
 * once the collector took them. While it is down they wait in the queue; sending resumes with
 * back-off. On PostgreSQL a batch is locked while it is sent, so replicas never send it twice.
 */
@Injectable()
export class AuditForwardingService {
  private readonly logger = new Logger(AuditForwardingService.name);
  private forwarder?: { endpoint: string; client: AuditForwarder };
  private active = false;
  private loop?: Promise<void>;
  private readonly idle = new IdlePause();
  private failures = 0;
  private unsubscribe?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: AuditForwardRepository,
    private readonly configurations: SystemConfigurations,
    private readonly signals: NotificationSignals,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.idle.start();
    this.unsubscribe = this.signals.on('forward', () => this.nudge());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.unsubscribe?.();
    this.idle.stop();
    await this.loop;
    await this.forwarder?.client.close();
  }

  nudge(): void {
    this.idle.nudge();
  }

  private async run(): Promise<void> {
    while (this.active) {
      let outcome: 'idle' | 'more' | 'failed';
      try {
        outcome = await this.cycle();
      } catch (e) {
        outcome = 'failed';
        if (this.failures === 0)
          this.logger.warn(
            `audit forwarding paused, records wait in the queue: ${e instanceof Error ? e.message : String(e)}`,
          );
      }
      if (outcome === 'failed') {
        this.failures += 1;
        await this.idle.wait(backoffDelayMs(this.failures, 500, 30_000), false);
        continue;
      }
      if (this.failures > 0) this.logger.log('audit forwarding resumed');
      this.failures = 0;
      if (outcome === 'idle') await this.idle.wait(IDLE_MS);
    }
  }

  private async cycle(): Promise<'idle' | 'more' | 'failed'> {
    const { forwardEndpoint } = await this.configurations.auditSettings();
    if (forwardEndpoint === '') {
      await this.closeForwarder();
      return 'idle';
    }
    const client = this.forwarderFor(forwardEndpoint);
    const send = async (em: EntityManager, lock: boolean): Promise<number> => {
      const records = await this.queue.oldest(em, BATCH, lock);
      if (records.length === 0) return 0;
      await client.forward(records);
      await this.queue.remove(
        em,
        records.map((r) => r.id),
      );
      return records.length;
    };
    const sent =
      this.dataSource.options.type === 'postgres'
        ? await this.dataSource.transaction((em) => send(em, true))
        : await send(this.dataSource.manager, false);
    return sent === BATCH ? 'more' : 'idle';
  }

  private forwarderFor(endpoint: string): AuditForwarder {
    if (this.forwarder?.endpoint === endpoint) return this.forwarder.client;
    void this.forwarder?.client.close();
    const caFile = this.config.notifications.auditForwardCaFile;
    const client = new AuditForwarder({
      endpoint: parseForwardEndpoint(endpoint),
      hostname: new URL(this.config.http.externalUrl).hostname || os.hostname(),
      ca: caFile ? fs.readFileSync(caFile) : undefined,
      timeoutMs: this.config.notifications.webhookTimeoutMs,
      source: this.config.http.externalUrl,
    });
    this.forwarder = { endpoint, client };
    return client;
  }

  private async closeForwarder(): Promise<void> {
    const f = this.forwarder;
    this.forwarder = undefined;
    await f?.client.close();
  }
}
