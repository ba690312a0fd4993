import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventSchemas, type EventEnvelope } from '@berth/contracts';
import { ArtifactStore } from '@berth/artifacts/domain';
import { EventErrorFilter } from '@berth/platform/messaging';

/**
 * Keeps Harbor's repository `pull_count` and artifact `pull_time` from the registry's
 * `artifact.pulled` events, off the pull path: the registry only writes the event. Delivery is
 * at least once, so a redelivered event may count a pull twice; the pull time never goes back.
 */
@Controller()
@UseFilters(new EventErrorFilter())
export class ArtifactPullsConsumer {
  constructor(private readonly store: ArtifactStore) {}

  @EventPattern('artifact.pulled')
  async pulled(@Payload() envelope: EventEnvelope): Promise<void> {
    const data = eventSchemas['artifact.pulled'].parse(envelope.data);
    await this.store.recordPull(data.repository, data.digest, envelope.occurredAt);
  }
}
