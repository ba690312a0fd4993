import {
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  ScanAllService,
  ScanExecutor,
  ScanningWorkersModule,
  VulnerabilityDatabaseHolder,
} from '@berth/scanning/domain';
import { ScannerAdapterModule } from './adapter/scanner-adapter.module';
import { ScanEventsConsumer } from './scan-events.consumer';

/** How often the scan-all schedule is looked at; it fires by the minute. */
const SCHEDULE_TICK_MS = 20_000;

/** Runs the vulnerability database's refresh, the scan executor and the scan-all schedule. */
@Injectable()
class ScannerWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ScannerWorkers');
  private scheduleTimer?: NodeJS.Timeout;

  constructor(
    private readonly databases: VulnerabilityDatabaseHolder,
    private readonly executor: ScanExecutor,
    private readonly scanAll: ScanAllService,
  ) {}

  onApplicationBootstrap(): void {
    this.databases.start();
    this.executor.start();
    this.scheduleTimer = setInterval(() => {
      this.scanAll
        .tick()
        .catch((e: unknown) =>
          this.logger.warn(`scan all schedule: ${e instanceof Error ? e.message : String(e)}`),
        );
    }, SCHEDULE_TICK_MS);
    this.scheduleTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.scheduleTimer);
    await Promise.all([this.executor.stop(), this.databases.stop()]);
  }
}

/**
 * Vulnerability scanning: scan on push, the scan executor, scheduled scan all, and the Pluggable
 * Scanner API other registries drive Berth's scanner through.
 */
@Module({
  imports: [ScanningWorkersModule, ScannerAdapterModule],
  controllers: [ScanEventsConsumer],
  providers: [ScannerWorkers],
})
export class ScannerFeatureModule {}
