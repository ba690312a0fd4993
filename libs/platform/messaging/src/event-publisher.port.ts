import type { EventEnvelope } from '@berth/contracts';

/**
 * Hands one event to the transport. Resolves only once the transport has taken it (for
 * JetStream: the stream's PubAck), so the outbox may mark the row as published.
 * Publishing the same envelope id twice must be harmless: transports de-duplicate by id.
 */
export abstract class EventPublisher {
  abstract publish(envelope: EventEnvelope): Promise<void>;

  /**
   * For a transport that keeps published events in memory only: resolves once every consumer
   * has handled the event, so the outbox knows what a crash would lose. Undefined for a
   * transport whose acceptance is durable (JetStream's stream is on disk).
   */
  handled?(envelope: EventEnvelope): Promise<void>;
}
