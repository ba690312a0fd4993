import {
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  AuditForwardingService,
  AuditPurgeService,
  NotificationWorkersModule,
  WebhookDispatcher,
} from '@berth/notifications/domain';
import { Logger } from '@nestjs/common';
import { DomainEventsConsumer } from './domain-events.consumer';

/** How often the purge schedule is looked at; it fires by the minute. */
const PURGE_TICK_MS = 20_000;

/** Runs the webhook dispatcher, the SIEM forwarder and the purge schedule with the service. */
@Injectable()
class NotifierWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('NotifierWorkers');
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly dispatcher: WebhookDispatcher,
    private readonly forwarding: AuditForwardingService,
    private readonly purge: AuditPurgeService,
  ) {}

  onApplicationBootstrap(): void {
    this.dispatcher.start();
    this.forwarding.start();
    this.purgeTimer = setInterval(() => {
      this.purge
        .tick()
        .catch((e: unknown) =>
          this.logger.warn(`audit purge schedule: ${e instanceof Error ? e.message : String(e)}`),
        );
    }, PURGE_TICK_MS);
    this.purgeTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.purgeTimer);
    await Promise.all([this.dispatcher.stop(), this.forwarding.stop()]);
  }
}

/** Webhooks, the audit log and its forwarding to a SIEM, fed by every service's events. */
@Module({
  imports: [NotificationWorkersModule],
  controllers: [DomainEventsConsumer],
  providers: [NotifierWorkers],
})
export class NotifierFeatureModule {}
