import { EventEmitter } from 'node:events';
import {
  ClientProxy,
  Server,
  type CustomTransportStrategy,
  type MessageHandler,
  type ReadPacket,
  type WritePacket,
} from '@nestjs/microservices';
import { headers, nanos, NoRespondersError, type Msg, type Subscription } from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import {
  deadLetterSubject,
  EVENTS_SUBJECT_PREFIX,
  eventEnvelopeSchema,
  eventSubject,
  type EventEnvelope,
} from '@berth/contracts';
import { backoffDelayMs } from '../backoff.policy';
import { EventPublisher } from '../event-publisher.port';
import { EVENTS_STREAM, type JetStreamConnection } from './jetstream.connection';
import {
  describeError,
  invokeHandler,
  MessagingContext,
  RPC_PATTERN,
  rpcSubject,
  serializeError,
  toEventEnvelope,
  type MessagingServer,
} from './messaging.context';

export const JETSTREAM_TRANSPORT = Symbol('berth-jetstream');

/** Headers on a dead-lettered message, next to the original envelope as its body. */
export const DeadLetterHeaders = {
  Error: 'Berth-Error',
  DeliveryCount: 'Berth-Delivery-Count',
  Consumer: 'Berth-Consumer',
  OriginalSubject: 'Berth-Original-Subject',
  StreamSequence: 'Berth-Stream-Sequence',
} as const;

/**
 * Deliveries the server may make beyond maxDeliver. They are only used to retry a dead-letter
 * publish that failed; the handler itself never runs more than maxDeliver times.
 */
const DEAD_LETTER_SPARE_DELIVERIES = 2;
const RETRY_PAUSE_MS = 1000;
const FIRST_CONNECT_WAIT_MS = 2000;

export interface JetStreamServerOptions {
  connection: JetStreamConnection;
  /** Durable consumer name: the service's name. Replicas with the same name share the work. */
  consumer: string;
  maxDeliver: number;
  backoffMs: number;
  backoffCapMs?: number;
  /** Redelivery when a handler neither acks nor fails in time (the process died, say). */
  ackWaitMs?: number;
  /** Handlers running at once in this process. */
  concurrency?: number;
  /** listen() waits this long for NATS before reporting started and carrying on in the background. */
  startupWaitMs?: number;
  /** Close the connection in close(): set when the server created it for itself. */
  ownsConnection?: boolean;
}

type JetStreamServerEvents = {
  connected: () => void;
  disconnected: () => void;
  'dead-letter': (letter: {
    envelope: EventEnvelope;
    error: string;
    deliveryCount: number;
  }) => void;
};

/**
 * Nest transport strategy over NATS JetStream. Events: one durable pull consumer per service
 * on BERTH_EVENTS, dispatched by envelope type to `@EventPattern` handlers with explicit ack,
 * back-off on failure and a dead-letter subject once deliveries are exhausted.
 * Requests: core NATS on `berth.rpc.<pattern>` with the service name as queue group.
 */
export class JetStreamServer
  extends Server<JetStreamServerEvents, 'connected' | 'disconnected' | 'closed'>
  implements CustomTransportStrategy, MessagingServer
{
  override transportId = JETSTREAM_TRANSPORT;
  private readonly emitter = new EventEmitter();
  private readonly settings: Required<Omit<JetStreamServerOptions, 'connection'>>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly slotWaiters: Array<() => void> = [];
  private rpcSubscriptions: Subscription[] = [];
  private messages?: ConsumerMessages;
  private running = false;
  private loop?: Promise<void>;
  private wakeLoop?: () => void;
  private offConnection?: () => void;
  private readonly readyState = deferred();
  private readonly stopSignal = deferred();

  constructor(private readonly options: JetStreamServerOptions) {
    super();
    this.settings = {
      consumer: options.consumer,
      maxDeliver: options.maxDeliver,
      backoffMs: options.backoffMs,
      backoffCapMs: options.backoffCapMs ?? 60_000,
      ackWaitMs: options.ackWaitMs ?? 30_000,
      concurrency: options.concurrency ?? 8,
      startupWaitMs: options.startupWaitMs ?? 5_000,
      ownsConnection: options.ownsConnection ?? false,
    };
    if (!/^[A-Za-z0-9_-]+$/.test(options.consumer)) {
      throw new Error(`consumer name "${options.consumer}" must be letters, digits, "-" or "_"`);
    }
  }

  get consumer(): string {
    return this.settings.consumer;
  }

  async listen(callback: (...optionalParams: unknown[]) => unknown): Promise<void> {
    const invalid = [...this.messageHandlers].find(
      ([p, h]) => !h.isEventHandler && !RPC_PATTERN.test(p),
    );
    if (invalid) {
      callback(
        new Error(`@MessagePattern "${invalid[0]}" cannot be a NATS subject; use dotted words`),
      );
      return;
    }
    this.running = true;
    this.offConnection = this.options.connection.onChange((up) => {
      this._status$.next(up ? 'connected' : 'disconnected');
      this.emitter.emit(up ? 'connected' : 'disconnected');
    });
    this.loop = this.run();
    // Start promptly when NATS is there; when it is not, keep trying behind a started app.
    await Promise.race([this.readyState.promise, sleep(this.settings.startupWaitMs)]);
    callback();
  }

  /** Resolves once the durable consumer is consuming and request subjects are subscribed. */
  ready(): Promise<void> {
    return this.readyState.promise;
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopSignal.resolve();
    this.offConnection?.();
    for (const sub of this.rpcSubscriptions) sub.unsubscribe();
    this.rpcSubscriptions = [];
    this.wakeLoop?.();
    await this.messages?.close().catch(() => undefined);
    await this.loop;
    // Let running handlers finish and acknowledge, so their events are not redelivered.
    await Promise.allSettled([...this.inFlight]);
    if (this.settings.ownsConnection) await this.options.connection.close();
    this._status$.next('closed');
  }

  on<K extends keyof JetStreamServerEvents = keyof JetStreamServerEvents>(
    event: K,
    callback: JetStreamServerEvents[K],
  ): void {
    this.emitter.on(event, callback);
  }

  /** The JetStreamConnection wrapper; its get() gives the NatsConnection. */
  unwrap<T>(): T {
    return this.options.connection as unknown as T;
  }

  /** Connects, sets up streams and consumer, consumes; starts over after any failure. */
  private async run(): Promise<void> {
    while (this.running) {
      try {
        // Waiting for a first connection must not hold up close().
        await Promise.race([this.options.connection.get(), this.stopSignal.promise]);
        if (!this.running) break;
        await this.subscribeRequests();
        if (!this.hasEventHandlers()) {
          // A service without @EventPattern handlers needs no durable consumer acking every event.
          this.readyState.resolve();
          await this.stopSignal.promise;
          break;
        }
        await this.options.connection.ensureStreams();
        const jsm = await this.options.connection.manager();
        await this.ensureConsumer(jsm);
        const consumer = await jetstream(await this.options.connection.get()).consumers.get(
          EVENTS_STREAM,
          this.consumer,
        );
        if (!this.running) break;
        this.messages = await consumer.consume({ max_messages: this.settings.concurrency * 2 });
        this.readyState.resolve();
        void this.watchConsumer(this.messages);
        for await (const msg of this.messages) {
          if (!this.running) {
            // Buffered but never handled: hand it back now rather than after ack_wait.
            msg.nak();
            continue;
          }
          await this.acquireSlot();
          const work: Promise<void> = this.handleDelivery(msg)
            .catch((error: unknown) =>
              this.logger.error(`handling ${msg.subject} failed: ${describeError(error)}`),
            )
            .finally(() => this.releaseSlot(work));
          this.inFlight.add(work);
        }
      } catch (error) {
        if (this.running)
          this.logger.warn(`consumer ${this.consumer}: ${describeError(error)}; retrying`);
        this.options.connection.invalidateStreams();
      }
      if (this.running) await this.pause(RETRY_PAUSE_MS);
    }
  }

  /** Ends the consume loop (to be set up again) when the consumer or stream vanished. */
  private async watchConsumer(messages: ConsumerMessages): Promise<void> {
    for await (const note of messages.status()) {
      const gone =
        note.type === 'consumer_deleted' ||
        (note.type === 'consumer_not_found' && note.count >= 3) ||
        note.type === 'stream_not_found';
      if (gone && this.running) {
        this.logger.warn(`consumer ${this.consumer}: ${note.type}; setting it up again`);
        this.options.connection.invalidateStreams();
        await messages.close().catch(() => undefined);
        return;
      }
    }
  }

  private async ensureConsumer(jsm: JetStreamManager): Promise<void> {
    const wanted = {
      max_deliver: this.settings.maxDeliver + DEAD_LETTER_SPARE_DELIVERIES,
      ack_wait: nanos(this.settings.ackWaitMs),
    };
    try {
      const info = await jsm.consumers.info(EVENTS_STREAM, this.consumer);
      if (
        info.config.max_deliver !== wanted.max_deliver ||
        info.config.ack_wait !== wanted.ack_wait
      ) {
        await jsm.consumers.update(EVENTS_STREAM, this.consumer, wanted);
      }
      return;
    } catch (error) {
      if (!(
        error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound
      ))
        throw error;
    }
    await jsm.consumers.add(EVENTS_STREAM, {
      ...wanted,
      durable_name: this.consumer,
      ack_policy: AckPolicy.Explicit,
      // A service deployed later still sees what happened while it did not exist (within max_age).
      deliver_policy: DeliverPolicy.All,
      // nats-server 2.9 has no multi-subject filters; unhandled types are acked locally.
      filter_subject: `${EVENTS_SUBJECT_PREFIX}.>`,
      max_ack_pending: 1000,
    });
  }

  private async handleDelivery(msg: JsMsg): Promise<void> {
    const deliveryCount = msg.info.deliveryCount;
    let envelope: EventEnvelope;
    try {
      envelope = eventEnvelopeSchema.parse(msg.json()) as EventEnvelope;
    } catch (error) {
      // A body that is not an envelope will never succeed; park it for a human.
      await this.deadLetter(msg, undefined, `not an event envelope: ${describeError(error)}`);
      return;
    }
    const handler = this.getHandlerByPattern(envelope.type);
    if (!handler?.isEventHandler) {
      msg.ack();
      return;
    }
    if (deliveryCount > this.settings.maxDeliver) {
      await this.deadLetter(msg, envelope, 'delivery attempts exhausted');
      return;
    }
    // Tell the server we are still at it, so a slow handler is not redelivered meanwhile.
    const keepAlive = setInterval(() => msg.working(), Math.max(1000, this.settings.ackWaitMs / 2));
    try {
      await invokeHandler(
        handler,
        envelope,
        new MessagingContext([msg.subject, deliveryCount, this.consumer]),
      );
      msg.ack();
    } catch (error) {
      if (deliveryCount >= this.settings.maxDeliver) {
        await this.deadLetter(msg, envelope, describeError(error));
      } else {
        const delay = backoffDelayMs(
          deliveryCount,
          this.settings.backoffMs,
          this.settings.backoffCapMs,
        );
        this.logger.warn(
          `${envelope.type} ${envelope.id} failed on delivery ${deliveryCount}; retry in ${delay} ms`,
        );
        msg.nak(delay);
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async deadLetter(
    msg: JsMsg,
    envelope: EventEnvelope | undefined,
    error: string,
  ): Promise<void> {
    const type = envelope?.type ?? msg.subject.slice(EVENTS_SUBJECT_PREFIX.length + 1);
    const h = headers();
    // Header values are single lines.
    h.set(DeadLetterHeaders.Error, error.replace(/[\r\n]+/g, ' ').slice(0, 1024));
    h.set(DeadLetterHeaders.DeliveryCount, String(msg.info.deliveryCount));
    h.set(DeadLetterHeaders.Consumer, this.consumer);
    h.set(DeadLetterHeaders.OriginalSubject, msg.subject);
    h.set(DeadLetterHeaders.StreamSequence, String(msg.info.streamSequence));
    try {
      const js = jetstream(await this.options.connection.get(), {
        timeout: this.options.connection.requestTimeoutMs,
      });
      await js.publish(deadLetterSubject(this.consumer, type), msg.data, {
        headers: h,
        msgID: `${this.consumer}:${envelope?.id ?? `seq-${msg.info.streamSequence}`}`,
      });
      msg.term();
      this.logger.warn(
        `dead-lettered ${type} ${envelope?.id ?? ''} for ${this.consumer}: ${error}`,
      );
      if (envelope)
        this.emitter.emit('dead-letter', {
          envelope,
          error,
          deliveryCount: msg.info.deliveryCount,
        });
    } catch (publishError) {
      this.logger.error(`dead-letter publish failed for ${type}: ${describeError(publishError)}`);
      msg.nak(
        backoffDelayMs(msg.info.deliveryCount, this.settings.backoffMs, this.settings.backoffCapMs),
      );
    }
  }

  private async subscribeRequests(): Promise<void> {
    if (this.rpcSubscriptions.length > 0) return;
    const nc = await this.options.connection.get();
    for (const [pattern, handler] of this.messageHandlers) {
      if (handler.isEventHandler) continue;
      // Subscriptions survive reconnects: nats.js re-registers them on the new socket.
      const sub = nc.subscribe(rpcSubject(pattern), {
        queue: this.consumer,
        callback: (err: Error | null, msg: Msg) => {
          if (!err) void this.handleRequest(pattern, handler, msg);
        },
      });
      this.rpcSubscriptions.push(sub);
    }
    // Once the server has the subscriptions, a request sent after ready() finds a responder.
    await nc.flush();
  }

  private async handleRequest(pattern: string, handler: MessageHandler, msg: Msg): Promise<void> {
    let answer: RpcAnswer;
    try {
      const body = msg.json<RpcRequest>();
      const ctx = new MessagingContext([msg.subject, 1, this.consumer]);
      answer = { response: await invokeHandler(handler, body.data, ctx) };
    } catch (error) {
      answer = { err: serializeError(error) };
    }
    try {
      msg.respond(JSON.stringify(answer));
    } catch (error) {
      this.logger.error(`reply to ${pattern} failed: ${describeError(error)}`);
    }
  }

  private hasEventHandlers(): boolean {
    return [...this.messageHandlers.values()].some((h) => h.isEventHandler);
  }

  private async acquireSlot(): Promise<void> {
    while (this.inFlight.size >= this.settings.concurrency) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
  }

  private releaseSlot(work: Promise<void>): void {
    this.inFlight.delete(work);
    this.slotWaiters.shift()?.();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeLoop = done;
    });
  }
}

interface RpcRequest {
  data: unknown;
}

type RpcAnswer = { response: unknown } | { err: unknown };

export interface JetStreamClientOptions {
  connection: JetStreamConnection;
  /** How long send() waits for an answer. */
  timeoutMs?: number;
}

/** `ClientProxy` for `@MessagePattern` handlers served by JetStreamServer, over core NATS. */
export class JetStreamClientProxy extends ClientProxy {
  private readonly publisher: JetStreamEventPublisher;

  constructor(private readonly options: JetStreamClientOptions) {
    super();
    this.publisher = new JetStreamEventPublisher(options.connection);
  }

  async connect(): Promise<void> {
    await this.options.connection.getWithin(this.timeoutMs);
  }

  /** The connection belongs to whoever created it; the client does not close it. */
  async close(): Promise<void> {}

  unwrap<T>(): T {
    return this.options.connection as unknown as T;
  }

  protected publish(
    packet: ReadPacket<unknown>,
    callback: (packet: WritePacket) => void,
  ): () => void {
    let cancelled = false;
    const pattern = this.normalizePattern(packet.pattern);
    void this.request(pattern, packet.data).then(
      (answer) => {
        if (cancelled) return;
        if ('err' in answer) callback({ err: answer.err });
        else callback({ response: answer.response, isDisposed: true });
      },
      (error: unknown) => {
        if (!cancelled) callback({ err: serializeError(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }

  /** `emit()` publishes an envelope straight to the stream, bypassing the outbox. */
  protected async dispatchEvent<T>(packet: ReadPacket<unknown>): Promise<T> {
    await this.publisher.publish(
      toEventEnvelope(this.normalizePattern(packet.pattern), packet.data),
    );
    return undefined as T;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? this.options.connection.requestTimeoutMs;
  }

  private async request(pattern: string, data: unknown): Promise<RpcAnswer> {
    if (!RPC_PATTERN.test(pattern))
      throw new Error(`request pattern "${pattern}" cannot be a NATS subject`);
    const nc = await this.options.connection.getWithin(this.timeoutMs);
    try {
      const reply = await nc.request(
        rpcSubject(pattern),
        JSON.stringify({ data } satisfies RpcRequest),
        {
          timeout: this.timeoutMs,
        },
      );
      return reply.json<RpcAnswer>();
    } catch (error) {
      if (
        error instanceof NoRespondersError ||
        (error instanceof Error && error.cause instanceof NoRespondersError)
      ) {
        throw new Error(`no handler for request pattern "${pattern}"`);
      }
      throw error;
    }
  }
}

/** Publishes envelopes to `berth.events.<type>` with the envelope id as JetStream message id. */
export class JetStreamEventPublisher extends EventPublisher {
  constructor(private readonly connection: JetStreamConnection) {
    super();
  }

  async publish(envelope: EventEnvelope): Promise<void> {
    if (!this.connection.isConnected()) {
      // Fail fast while NATS is away (the outbox keeps the event); only a first connect is awaited.
      if (this.connection.hasConnected)
        throw new Error(`cannot publish ${envelope.type}: ${this.connection.describe()}`);
      await this.connection.getWithin(FIRST_CONNECT_WAIT_MS);
    }
    await this.connection.ensureStreams();
    const js = jetstream(await this.connection.get(), {
      timeout: this.connection.requestTimeoutMs,
    });
    try {
      // A re-published id within the duplicate window is acknowledged but stored once.
      await js.publish(eventSubject(envelope.type), JSON.stringify(envelope), {
        msgID: envelope.id,
      });
    } catch (error) {
      // The stream may have been deleted; check (and create) it again before the retry.
      this.connection.invalidateStreams();
      throw error;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
