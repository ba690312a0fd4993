import {
  BaseRpcContext,
  type CustomTransportStrategy,
  type MessageHandler,
} from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { eventEnvelopeSchema, type EventEnvelope } from '@berth/contracts';

export type MessagingContextArgs = [subject: string, deliveryCount: number, consumer: string];

/**
 * What a handler may ask about the message it is handling, on either transport:
 * `@Ctx() ctx: MessagingContext`.
 */
export class MessagingContext extends BaseRpcContext<MessagingContextArgs> {
  /** `berth.events.<type>` for events, `berth.rpc.<pattern>` for requests. */
  getSubject(): string {
    return this.args[0];
  }

  /** 1 on the first delivery; grows with every redelivery of the same event. */
  getDeliveryCount(): number {
    return this.args[1];
  }

  /** The durable consumer (service) this delivery is for. */
  getConsumer(): string {
    return this.args[2];
  }
}

/**
 * Runs a Nest handler and settles with its outcome. Nest turns a thrown error into an
 * Observable that errors, so the result is unwrapped to make failures reject.
 */
export async function invokeHandler(
  handler: MessageHandler,
  data: unknown,
  ctx: MessagingContext,
): Promise<unknown> {
  const result: unknown = await handler(data, ctx);
  return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
}

/** A one-line description of whatever a handler threw (Error, RpcException payload, string). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  if (
    error &&
    typeof error === 'object' &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return error.message;
  }
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** A JSON-safe form of an error for request/reply answers (Error instances stringify to `{}`). */
export function serializeError(error: unknown): unknown {
  if (error instanceof Error) return { status: 'error', message: error.message, name: error.name };
  return error ?? { status: 'error', message: 'unknown error' };
}

/** Valid request/reply patterns double as NATS subject tokens. */
export const RPC_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const RPC_SUBJECT_PREFIX = 'berth.rpc';
export const rpcSubject = (pattern: string): string => `${RPC_SUBJECT_PREFIX}.${pattern}`;

/** Checks that what `ClientProxy.emit(pattern, data)` was given is an envelope of that type. */
export function toEventEnvelope(pattern: string, data: unknown): EventEnvelope {
  const envelope = eventEnvelopeSchema.parse(data) as EventEnvelope;
  if (envelope.type !== pattern) {
    throw new Error(`emit("${pattern}") was given an envelope of type "${envelope.type}"`);
  }
  return envelope;
}

/** What both transport servers offer beyond Nest's strategy contract. */
export interface MessagingServer extends CustomTransportStrategy {
  /** The durable consumer (service) name this server consumes as. */
  readonly consumer: string;
  /** Resolves once the server consumes and answers requests. */
  ready(): Promise<void>;
  close(): Promise<void>;
}
