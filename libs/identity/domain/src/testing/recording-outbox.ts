import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@berth/contracts';
import { OutboxWriter, toValidEnvelope, type NewEvent } from '@berth/platform/messaging';

/** An outbox that checks each event against its contract and keeps it in memory; for unit specs. */
export class RecordingOutbox extends OutboxWriter {
  readonly events: EventEnvelope[] = [];

  override async append<T>(_manager: EntityManager, event: NewEvent<T>): Promise<EventEnvelope<T>> {
    return this.keep(event);
  }

  override async appendGrouped<T>(
    _dataSource: DataSource,
    event: NewEvent<T>,
  ): Promise<EventEnvelope<T>> {
    return this.keep(event);
  }

  /** The data of the events of this type, in append order. */
  dataOf(type: string): unknown[] {
    return this.events.filter((e) => e.type === type).map((e) => e.data);
  }

  private keep<T>(event: NewEvent<T>): EventEnvelope<T> {
    const envelope = toValidEnvelope(event);
    this.events.push(envelope);
    return envelope;
  }
}

/** A DataSource whose transactions just run their work: the in-memory repositories ignore the manager. */
export function inMemoryTransactions(): DataSource {
  const manager = {} as EntityManager;
  return {
    transaction: (work: (em: EntityManager) => Promise<unknown>) => work(manager),
  } as unknown as DataSource;
}
