import type { EventEnvelope } from '@berth/contracts';

/**
 * Hands one event to the transport. Resolves only once the transport has taken it (for
 * JetStream: the stream's PubAck), so the outbox may mark the row as published.
 * Publishing the same envelope id twice must be harmless: transports de-duplicate by id.
 */
export abstract class EventPublisher {
  abstract publish(envelope: EventEnvelope): Promise<void>;
}
