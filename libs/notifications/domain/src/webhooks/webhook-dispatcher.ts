import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { backoffDelayMs } from '@berth/platform/messaging';
import { IdlePause } from '../idle-pause';
import { NotificationSignals } from '../notification-signals';
import type { WebhookJobEntity } from './webhook-job.entity';
import { WebhookJobRepository } from './webhook-job.repository';
import { WebhookPolicyRepository } from './webhook-policy.repository';
import { WebhookSender } from './webhook-sender';

export interface DispatcherOptions {
  /** Deliveries in flight in this process. */
  maxInFlight: number;
  /** Deliveries in flight per policy: a hanging receiver holds at most this many slots. */
  maxPerPolicy: number;
  /** Scan for due retries and abandoned jobs this often when nothing wakes the dispatcher. */
  pollMs: number;
  retryBaseMs: number;
  retryCapMs: number;
  /** Finished deliveries are kept this long for the executions API, then swept. */
  keepFinishedMs: number;
  sweepEveryMs: number;
}

const DEFAULTS: DispatcherOptions = {
  maxInFlight: 64,
  maxPerPolicy: 8,
  pollMs: 1000,
  retryBaseMs: 1000,
  retryCapMs: 5 * 60_000,
  keepFinishedMs: 14 * 24 * 3_600_000,
  sweepEveryMs: 10 * 60_000,
};

/**
 * Delivers queued webhook jobs: claims due jobs with a lease (a notifier killed mid-attempt
 * leaves jobs another one picks up when the lease ends), sends each at most `timeout` long,
 * retries failures with exponential back-off, and gives each policy a bounded share of the
 * slots so a slow or dead receiver never holds up the others. Every attempt is recorded.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly options: DispatcherOptions;
  private readonly sender = new WebhookSender();
  private readonly inFlight = new Map<number, number>();
  private readonly running = new Set<Promise<void>>();
  private active = false;
  private loop?: Promise<void>;
  private readonly idle = new IdlePause();
  private unsubscribe?: () => void;

  constructor(
    private readonly jobs: WebhookJobRepository,
    private readonly policies: WebhookPolicyRepository,
    private readonly signals: NotificationSignals,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {
    this.options = DEFAULTS;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.idle.start();
    this.unsubscribe = this.signals.on('webhooks', () => this.nudge());
    this.loop = this.run();
  }

  /** Stops claiming; attempts in flight finish (bounded by the timeout). */
  async stop(): Promise<void> {
    this.active = false;
    this.unsubscribe?.();
    this.idle.stop();
    await this.loop;
    await Promise.allSettled([...this.running]);
    this.sender.close();
  }

  nudge(): void {
    this.idle.nudge();
  }

  private get leaseMs(): number {
    // Long enough for an attempt and its redirects; a dead claimant's jobs return after it.
    return this.config.notifications.webhookTimeoutMs * 2 + 5000;
  }

  private async run(): Promise<void> {
    let lastSweep = Date.now();
    while (this.active) {
      if (Date.now() - lastSweep >= this.options.sweepEveryMs) {
        lastSweep = Date.now();
        await this.sweep();
      }
      let claimed = 0;
      try {
        claimed = await this.claimAndStart();
      } catch (e) {
        this.logger.warn(`webhook scan failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      // A full claim means more may be due: scan again as soon as a slot frees.
      if (claimed === 0 || this.totalInFlight() >= this.options.maxInFlight)
        await this.idle.wait(this.options.pollMs);
    }
  }

  private async claimAndStart(): Promise<number> {
    const capacity = this.options.maxInFlight - this.totalInFlight();
    if (capacity <= 0) return 0;
    const claimed = await this.jobs.claimDue(
      capacity,
      this.leaseMs,
      (policyId) => this.options.maxPerPolicy - (this.inFlight.get(policyId) ?? 0),
    );
    for (const job of claimed) {
      this.inFlight.set(job.policyId, (this.inFlight.get(job.policyId) ?? 0) + 1);
      const attempt = this.deliver(job).finally(() => {
        const left = (this.inFlight.get(job.policyId) ?? 1) - 1;
        if (left <= 0) this.inFlight.delete(job.policyId);
        else this.inFlight.set(job.policyId, left);
        this.running.delete(attempt);
        this.nudge();
      });
      this.running.add(attempt);
    }
    return claimed.length;
  }

  /** Forgets deliveries that finished more than two weeks ago. */
  async sweep(now = Date.now()): Promise<number> {
    try {
      return await this.jobs.sweepFinished(
        new Date(now - this.options.keepFinishedMs).toISOString(),
      );
    } catch (e) {
      this.logger.warn(`webhook sweep failed: ${e instanceof Error ? e.message : String(e)}`);
      return 0;
    }
  }

  private async deliver(job: WebhookJobEntity): Promise<void> {
    const startedAt = new Date().toISOString();
    try {
      const policy = await this.policies.enabledPolicy(job.projectId, job.policyId);
      const target = policy?.targets[job.targetIndex];
      if (!policy || !target || target.address !== job.address) {
        await this.jobs.settle(job, {
          startedAt,
          durationMs: 0,
          ok: false,
          error: 'policy deleted or disabled, or its target changed',
          status: 'Stopped',
        });
        return;
      }
      const result = await this.sender.send({
        url: job.address,
        body: job.payload,
        contentType: job.contentType,
        headers: {
          'Idempotency-Key': job.eventId,
          'X-Berth-Event-Id': job.eventId,
          'X-Berth-Webhook-Policy': String(job.policyId),
          'X-Berth-Delivery-Attempt': String(job.attempts + 1),
        },
        authHeader: target.authHeader || undefined,
        skipCertVerify: target.skipCertVerify,
        timeoutMs: this.config.notifications.webhookTimeoutMs,
        allowPrivate: this.config.notifications.webhookAllowPrivate,
      });
      const attempts = job.attempts + 1;
      const gaveUp = !result.ok && attempts >= this.config.notifications.webhookMaxAttempts;
      await this.jobs.settle(job, {
        startedAt,
        durationMs: result.durationMs,
        statusCode: result.status,
        ok: result.ok,
        error: result.ok ? undefined : (result.error ?? `HTTP ${result.status}`),
        status: result.ok ? 'Success' : gaveUp ? 'Error' : 'Pending',
        retryAt: result.ok
          ? undefined
          : Date.now() +
            backoffDelayMs(attempts, this.options.retryBaseMs, this.options.retryCapMs),
      });
    } catch (e) {
      // The job stays claimed; its lease ends and it is tried again.
      this.logger.warn(
        `webhook job ${job.id} not settled: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  private totalInFlight(): number {
    let n = 0;
    for (const v of this.inFlight.values()) n += v;
    return n;
  }
}
