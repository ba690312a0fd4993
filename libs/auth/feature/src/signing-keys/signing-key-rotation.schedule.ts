import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { BERTH_LOGGER, type BerthLogger } from '@berth/platform/observability';
import { RotateSigningKeyUseCase, SigningKeyRotationConflict } from './rotate-signing-key.usecase';
import { SigningKeyRepository } from './signing-key.repository';

// Hourly is plenty for a period counted in days, and cheap: one small query.
const CHECK_EVERY_MS = 60 * 60_000;
const DAY_MS = 86_400_000;

/**
 * Rotates the signing key when the newest is `BERTH_KEY_ROTATION_DAYS` old (off at 0). Every
 * auth replica checks; when several find it due together, the unique generation lets one
 * rotation in and the others stand down.
 */
@Injectable()
export class SigningKeyRotationSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly keys: SigningKeyRepository,
    private readonly rotate: RotateSigningKeyUseCase,
    @Inject(BERTH_LOGGER) private readonly logger: Pick<BerthLogger, 'warn'>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.auth.signingKeyRotationDays) return;
    this.timer = setInterval(() => void this.rotateIfDue(), CHECK_EVERY_MS);
    this.timer.unref();
    void this.rotateIfDue();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** True when it rotated. */
  async rotateIfDue(now = Date.now()): Promise<boolean> {
    const days = this.config.auth.signingKeyRotationDays ?? 0;
    if (days <= 0) return false;
    try {
      const [newest] = await this.keys.findAll();
      if (!newest || now - Date.parse(newest.createdAt) < days * DAY_MS) return false;
      await this.rotate.execute();
      return true;
    } catch (e) {
      if (e instanceof SigningKeyRotationConflict) return false; // another replica rotated
      this.logger.warn({ err: e }, 'scheduled signing key rotation failed; retrying in an hour');
      return false;
    }
  }
}
