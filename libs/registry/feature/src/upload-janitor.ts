import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PurgeExpiredUploadsUseCase } from '@berth/registry/domain';

/** Uploads idle this long are abandoned: their sessions and chunk objects are removed. */
export const UPLOAD_MAX_IDLE_MS = 24 * 60 * 60 * 1000;
const SWEEP_EVERY_MS = 15 * 60 * 1000;

/** Periodically purges abandoned uploads; safe on every replica (each removal is idempotent). */
@Injectable()
export class UploadJanitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UploadJanitor');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(PurgeExpiredUploadsUseCase) private readonly purge: PurgeExpiredUploadsUseCase,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    try {
      const purged = await this.purge.execute(UPLOAD_MAX_IDLE_MS);
      if (purged > 0) this.logger.log(`purged ${purged} abandoned uploads`);
      return purged;
    } catch (e) {
      this.logger.warn(`upload purge failed: ${e instanceof Error ? e.message : String(e)}`);
      return 0;
    }
  }
}
