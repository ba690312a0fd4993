import { z } from 'zod';

/** The envelope every event travels in; `id` doubles as the JetStream message id. */
export const eventEnvelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/),
  version: z.number().int().min(1),
  occurredAt: z.string().datetime(),
  source: z.string().min(1),
  correlationId: z.string().min(1).optional(),
  data: z.unknown(),
});

export interface EventEnvelope<T = unknown> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  source: string;
  correlationId?: string;
  data: T;
}

/** JetStream subject for an event type: `berth.events.<type>`. */
export const EVENTS_SUBJECT_PREFIX = 'berth.events';
export const DEAD_LETTER_SUBJECT_PREFIX = 'berth.dlq';
export const eventSubject = (type: string): string => `${EVENTS_SUBJECT_PREFIX}.${type}`;
export const deadLetterSubject = (consumer: string, type: string): string =>
  `${DEAD_LETTER_SUBJECT_PREFIX}.${consumer}.${type}`;
