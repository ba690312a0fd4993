import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SystemSettingRepository } from '@berth/platform/database';
import { OutboxWriter, createEvent } from '@berth/platform/messaging';
import { BERTH_LOGGER, type BerthLogger } from '@berth/platform/observability';

export const INSTANCE_ID_KEY = 'instance.id';

/** Gives the installation a stable id on its first start and announces it through the outbox. */
@Injectable()
export class InstanceIdentity implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: SystemSettingRepository,
    private readonly outbox: OutboxWriter,
    @Inject(BERTH_LOGGER) private readonly logger: BerthLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const candidate = randomUUID();
    const id = await this.dataSource.transaction(async (em) => {
      const stored = await this.settings.getOrCreate(INSTANCE_ID_KEY, () => candidate, em);
      if (stored === candidate) {
        await this.outbox.append(
          em,
          createEvent('system.initialized', { instanceId: stored }, 'berth'),
        );
      }
      return stored;
    });
    this.logger.info({ instanceId: id }, 'instance identity');
  }
}

@Module({ providers: [InstanceIdentity] })
export class InstanceModule {}
