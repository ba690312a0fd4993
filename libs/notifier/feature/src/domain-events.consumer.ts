import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventSchemas, type EventEnvelope, type EventType } from '@berth/contracts';
import { RecordEventUseCase } from '@berth/notifications/domain';
import { EventErrorFilter } from '@berth/platform/messaging';

/** Every event the audit log or a webhook may want; the recorder decides what each one becomes. */
const RECORDED: EventType[] = (Object.keys(eventSchemas) as EventType[]).filter(
  (t) => t !== 'system.initialized',
);

/**
 * The notifier's durable consumer: an event is acknowledged only after its audit row,
 * forwarding record and webhook jobs are committed, so a crash before that redelivers it.
 */
@Controller()
@UseFilters(new EventErrorFilter())
export class DomainEventsConsumer {
  constructor(private readonly recorder: RecordEventUseCase) {}

  @EventPattern(RECORDED)
  record(@Payload() envelope: EventEnvelope): Promise<void> {
    return this.recorder.execute(envelope);
  }
}
