import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import {
  ClientProxy,
  Server,
  type CustomTransportStrategy,
  type MessageHandler,
  type ReadPacket,
  type WritePacket,
} from '@nestjs/microservices';
import { deadLetterSubject, eventSubject, type EventEnvelope } from '@berth/contracts';
import { backoffDelayMs } from '../backoff.policy';
import { EventPublisher } from '../event-publisher.port';
import {
  describeError,
  invokeHandler,
  MessagingContext,
  rpcSubject,
  serializeError,
  toEventEnvelope,
  type MessagingServer,
} from './messaging.context';

export const IN_PROCESS_TRANSPORT = Symbol('berth-in-process');

/** An event that exhausted its deliveries for one consumer. */
export interface DeadLetter {
  consumer: string;
  /** `berth.dlq.<consumer>.<type>`, the subject JetStream would use. */
  subject: string;
  envelope: EventEnvelope;
  error: string;
  deliveryCount: number;
  deadLetteredAt: string;
}

export interface ConsumerPolicy {
  maxDeliver: number;
  backoffMs: number;
  /** Longest wait between two deliveries of one event. */
  backoffCapMs?: number;
  /** Deliveries of one consumer running at once. */
  maxInFlight?: number;
}

/** Resolving acknowledges the delivery; rejecting asks for a redelivery after back-off. */
export type EventDelivery = (envelope: EventEnvelope, deliveryCount: number) => Promise<void>;
export type RequestResponder = (data: unknown) => Promise<unknown>;

export interface InProcessBusOptions {
  /** How long a published id is remembered to drop re-publishes (JetStream's duplicate window). */
  dedupeWindowMs?: number;
  /** Upper bound on remembered ids, whatever the window. */
  dedupeMaxIds?: number;
  /** Recent events a consumer name seen for the first time receives (a stream's retention). */
  journalSize?: number;
  /** Dead letters kept in memory for inspection. */
  deadLetterLimit?: number;
}

interface Delivery {
  envelope: EventEnvelope;
  count: number;
  notBefore: number;
}

/**
 * A consumer's deliveries: `ready` is a FIFO read from `head` (compacted now and then, so a
 * backlog of any length costs O(1) per event), `delayed` holds retries waiting for their time,
 * `inFlight` what a handler is working on.
 */
class ConsumerQueue {
  ready: Delivery[] = [];
  head = 0;
  readonly delayed = new Set<Delivery>();
  readonly inFlight = new Set<Delivery>();
  readonly listeners: EventDelivery[] = [];
  readonly running = new Set<Promise<void>>();
  nextListener = 0;
  scheduled = false;
  timer?: NodeJS.Timeout;
  timerAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly name: string,
    public policy: Required<ConsumerPolicy>,
  ) {}

  get size(): number {
    return this.ready.length - this.head + this.delayed.size + this.inFlight.size;
  }

  /** The next ready delivery, if any. */
  take(): Delivery | undefined {
    if (this.head >= this.ready.length) return undefined;
    const d = this.ready[this.head++];
    if (this.head >= 1024 && this.head * 2 >= this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
    return d;
  }
}

const newDelivery = (envelope: EventEnvelope): Delivery => ({
  envelope,
  count: 0,
  notBefore: 0,
});

/**
 * The in-process broker: one per process, shared by every service module mounted in it.
 * Each named consumer has its own queue that outlives the servers listening on it, with
 * explicit acknowledgement, bounded redelivery with back-off, dead letters and
 * de-duplication by envelope id. State lives in memory: what the outbox has already handed
 * over is lost if the process dies before the handler acknowledges it.
 */
export class InProcessBus {
  private static processBus?: InProcessBus;

  /** The process-wide bus used when a module is not given one explicitly. */
  static shared(): InProcessBus {
    InProcessBus.processBus ??= new InProcessBus();
    return InProcessBus.processBus;
  }

  private readonly logger = new Logger('InProcessBus');
  private readonly queues = new Map<string, ConsumerQueue>();
  private readonly recentIds = new Map<string, number>();
  private readonly journal: EventEnvelope[] = [];
  /** Published events some consumer has yet to finish, with who waits for that. */
  private readonly outstanding = new Map<string, { left: number; settled: Array<() => void> }>();
  private readonly deadLetterList: DeadLetter[] = [];
  private readonly deadLetterListeners = new Set<(letter: DeadLetter) => void>();
  private readonly responders = new Map<string, RequestResponder[]>();
  private readonly options: Required<InProcessBusOptions>;

  constructor(options: InProcessBusOptions = {}) {
    this.options = {
      dedupeWindowMs: options.dedupeWindowMs ?? 120_000,
      dedupeMaxIds: options.dedupeMaxIds ?? 100_000,
      journalSize: options.journalSize ?? 10_000,
      deadLetterLimit: options.deadLetterLimit ?? 1_000,
    };
  }

  /** Dead letters of every consumer, oldest first. */
  get deadLetters(): readonly DeadLetter[] {
    return this.deadLetterList;
  }

  /** Queues the event for every known consumer; false when the id was seen within the window. */
  async publish(envelope: EventEnvelope): Promise<boolean> {
    if (this.seenRecently(envelope.id)) return false;
    if (this.queues.size > 0)
      this.outstanding.set(envelope.id, { left: this.queues.size, settled: [] });
    this.journal.push(envelope);
    // Trimmed in halves: shifting one entry per publish would cost O(journal) each time.
    if (this.journal.length >= this.options.journalSize * 2)
      this.journal.splice(0, this.journal.length - this.options.journalSize);
    for (const queue of this.queues.values()) {
      queue.ready.push(newDelivery(envelope));
      this.schedule(queue);
    }
    return true;
  }

  /**
   * Starts delivering the named consumer's events to `deliver`. Several listeners on one name
   * share the work. Returns a function that stops this listener and waits for its deliveries.
   */
  subscribe(consumer: string, policy: ConsumerPolicy, deliver: EventDelivery): () => Promise<void> {
    const resolved: Required<ConsumerPolicy> = {
      maxDeliver: policy.maxDeliver,
      backoffMs: policy.backoffMs,
      backoffCapMs: policy.backoffCapMs ?? 60_000,
      maxInFlight: policy.maxInFlight ?? 16,
    };
    let queue = this.queues.get(consumer);
    if (!queue) {
      queue = new ConsumerQueue(consumer, resolved);
      for (const e of this.journal.slice(-this.options.journalSize))
        queue.ready.push(newDelivery(e));
      this.queues.set(consumer, queue);
    } else {
      queue.policy = resolved;
    }
    queue.listeners.push(deliver);
    this.schedule(queue);
    const q = queue;
    return async () => {
      const at = q.listeners.indexOf(deliver);
      if (at >= 0) q.listeners.splice(at, 1);
      if (q.listeners.length === 0) this.clearTimer(q);
      await Promise.allSettled([...q.running]);
    };
  }

  /**
   * Resolves once every consumer that was sent the event has acknowledged or dead-lettered it
   * (at once for an event not, or no longer, outstanding). What the outbox waits for before it
   * may forget an event: until then the event lives only in this process's memory.
   */
  whenHandled(id: string): Promise<void> {
    const entry = this.outstanding.get(id);
    if (!entry) return Promise.resolve();
    return new Promise((resolve) => entry.settled.push(resolve));
  }

  private settle(id: string): void {
    const entry = this.outstanding.get(id);
    if (!entry || --entry.left > 0) return;
    this.outstanding.delete(id);
    for (const resolve of entry.settled) resolve();
  }

  /** Events waiting (or being retried) for a consumer. */
  pendingCount(consumer: string): number {
    return this.queues.get(consumer)?.size ?? 0;
  }

  /** Calls `listener` for every new dead letter; returns the unsubscribe function. */
  onDeadLetter(listener: (letter: DeadLetter) => void): () => void {
    this.deadLetterListeners.add(listener);
    return () => this.deadLetterListeners.delete(listener);
  }

  /** Registers a request/reply responder; returns the function that removes it. */
  serve(pattern: string, responder: RequestResponder): () => void {
    const list = this.responders.get(pattern) ?? [];
    list.push(responder);
    this.responders.set(pattern, list);
    return () => {
      const at = list.indexOf(responder);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /** Calls one responder for the pattern directly (round-robin when several serve it). */
  async request(pattern: string, data: unknown): Promise<unknown> {
    const list = this.responders.get(pattern);
    const responder = list?.shift();
    if (!list || !responder) throw new Error(`no handler for request pattern "${pattern}"`);
    list.push(responder);
    return responder(data);
  }

  private seenRecently(id: string): boolean {
    const now = Date.now();
    // Ids expire in insertion order, so the oldest entries are the only candidates.
    for (const [seen, expiresAt] of this.recentIds) {
      if (expiresAt > now && this.recentIds.size < this.options.dedupeMaxIds) break;
      this.recentIds.delete(seen);
    }
    if (this.recentIds.has(id)) return true;
    this.recentIds.set(id, now + this.options.dedupeWindowMs);
    return false;
  }

  private schedule(queue: ConsumerQueue): void {
    if (queue.scheduled) return;
    queue.scheduled = true;
    // Deliver outside the publisher's call stack, as a broker would.
    setImmediate(() => {
      queue.scheduled = false;
      this.pump(queue);
    });
  }

  private pump(queue: ConsumerQueue): void {
    if (queue.listeners.length === 0) return;
    const now = Date.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    // Retries go first once their time has come.
    for (const delivery of queue.delayed) {
      if (queue.running.size >= queue.policy.maxInFlight) break;
      if (delivery.notBefore > now) {
        wakeAt = Math.min(wakeAt, delivery.notBefore);
        continue;
      }
      queue.delayed.delete(delivery);
      this.deliver(queue, delivery);
    }
    while (queue.running.size < queue.policy.maxInFlight) {
      const delivery = queue.take();
      if (!delivery) break;
      this.deliver(queue, delivery);
    }
    if (wakeAt !== Number.POSITIVE_INFINITY) this.wakeAt(queue, wakeAt);
  }

  private wakeAt(queue: ConsumerQueue, at: number): void {
    if (queue.timer && queue.timerAt <= at) return;
    this.clearTimer(queue);
    queue.timerAt = at;
    queue.timer = setTimeout(
      () => {
        queue.timer = undefined;
        queue.timerAt = Number.POSITIVE_INFINITY;
        this.pump(queue);
      },
      Math.max(0, at - Date.now()),
    );
    // A pending retry alone must not keep the process alive.
    queue.timer.unref();
  }

  private clearTimer(queue: ConsumerQueue): void {
    if (queue.timer) clearTimeout(queue.timer);
    queue.timer = undefined;
    queue.timerAt = Number.POSITIVE_INFINITY;
  }

  private deliver(queue: ConsumerQueue, delivery: Delivery): void {
    queue.inFlight.add(delivery);
    delivery.count += 1;
    const listener = queue.listeners[queue.nextListener++ % queue.listeners.length];
    const run = (async () => {
      try {
        await listener(delivery.envelope, delivery.count);
        queue.inFlight.delete(delivery);
        this.settle(delivery.envelope.id);
      } catch (error) {
        this.failed(queue, delivery, error);
      }
    })();
    queue.running.add(run);
    void run.finally(() => {
      queue.running.delete(run);
      this.schedule(queue);
    });
  }

  private failed(queue: ConsumerQueue, delivery: Delivery, error: unknown): void {
    queue.inFlight.delete(delivery);
    if (delivery.count < queue.policy.maxDeliver) {
      delivery.notBefore =
        Date.now() +
        backoffDelayMs(delivery.count, queue.policy.backoffMs, queue.policy.backoffCapMs);
      queue.delayed.add(delivery);
      return;
    }
    this.settle(delivery.envelope.id);
    const letter: DeadLetter = {
      consumer: queue.name,
      subject: deadLetterSubject(queue.name, delivery.envelope.type),
      envelope: delivery.envelope,
      error: describeError(error),
      deliveryCount: delivery.count,
      deadLetteredAt: new Date().toISOString(),
    };
    this.deadLetterList.push(letter);
    if (this.deadLetterList.length > this.options.deadLetterLimit) this.deadLetterList.shift();
    this.logger.warn(
      `dead-lettered ${letter.envelope.type} ${letter.envelope.id} for ${queue.name}: ${letter.error}`,
    );
    for (const listener of this.deadLetterListeners) {
      try {
        listener(letter);
      } catch (e) {
        this.logger.error(`dead-letter listener failed: ${describeError(e)}`);
      }
    }
  }
}

export interface InProcessServerOptions extends ConsumerPolicy {
  bus: InProcessBus;
  /** The durable consumer name: the service's name. */
  consumer: string;
}

type InProcessServerEvents = { 'dead-letter': (letter: DeadLetter) => void };

/** Nest transport strategy over the in-process bus: `@EventPattern` and `@MessagePattern` handlers. */
export class InProcessServer
  extends Server<InProcessServerEvents, 'listening' | 'closed'>
  implements CustomTransportStrategy, MessagingServer
{
  override transportId = IN_PROCESS_TRANSPORT;
  private readonly emitter = new EventEmitter();
  private stops: Array<() => Promise<void> | void> = [];

  constructor(private readonly options: InProcessServerOptions) {
    super();
  }

  get consumer(): string {
    return this.options.consumer;
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    try {
      const { bus, consumer } = this.options;
      for (const [pattern, handler] of this.messageHandlers) {
        if (!handler.isEventHandler)
          this.stops.push(bus.serve(pattern, (data) => this.reply(pattern, handler, data)));
      }
      // Without @EventPattern handlers there is nothing to consume, and no queue to keep.
      if ([...this.messageHandlers.values()].some((h) => h.isEventHandler)) {
        this.stops.push(
          bus.subscribe(consumer, this.options, (envelope, count) =>
            this.dispatch(envelope, count),
          ),
        );
      }
      this.stops.push(
        bus.onDeadLetter((letter) => {
          if (letter.consumer === consumer) this.emitter.emit('dead-letter', letter);
        }),
      );
      this._status$.next('listening');
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Listening starts synchronously; nothing to wait for. */
  async ready(): Promise<void> {}

  async close(): Promise<void> {
    const stops = this.stops;
    this.stops = [];
    await Promise.all(stops.map((stop) => stop()));
    this._status$.next('closed');
  }

  on<K extends keyof InProcessServerEvents = keyof InProcessServerEvents>(
    event: K,
    callback: InProcessServerEvents[K],
  ): void {
    this.emitter.on(event, callback);
  }

  unwrap<T>(): T {
    return this.options.bus as unknown as T;
  }

  private async dispatch(envelope: EventEnvelope, deliveryCount: number): Promise<void> {
    const handler = this.getHandlerByPattern(envelope.type);
    // Events this service has no handler for are acknowledged: nothing here wants them.
    if (!handler?.isEventHandler) return;
    const ctx = new MessagingContext([
      eventSubject(envelope.type),
      deliveryCount,
      this.options.consumer,
    ]);
    await invokeHandler(handler, envelope, ctx);
  }

  private reply(pattern: string, handler: MessageHandler, data: unknown): Promise<unknown> {
    return invokeHandler(
      handler,
      data,
      new MessagingContext([rpcSubject(pattern), 1, this.options.consumer]),
    );
  }
}

/** `ClientProxy` over the in-process bus: `send()` calls a `@MessagePattern` handler directly. */
export class InProcessClientProxy extends ClientProxy {
  constructor(private readonly bus: InProcessBus) {
    super();
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  unwrap<T>(): T {
    return this.bus as unknown as T;
  }

  protected publish(
    packet: ReadPacket<unknown>,
    callback: (packet: WritePacket) => void,
  ): () => void {
    let cancelled = false;
    this.bus.request(this.normalizePattern(packet.pattern), packet.data).then(
      (response) => {
        if (!cancelled) callback({ response, isDisposed: true });
      },
      (error: unknown) => {
        if (!cancelled) callback({ err: serializeError(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }

  /** `emit()` publishes an envelope straight to the bus, bypassing the outbox. */
  protected async dispatchEvent<T>(packet: ReadPacket<unknown>): Promise<T> {
    await this.bus.publish(toEventEnvelope(this.normalizePattern(packet.pattern), packet.data));
    return undefined as T;
  }
}

export class InProcessEventPublisher extends EventPublisher {
  constructor(private readonly bus: InProcessBus) {
    super();
  }

  async publish(envelope: EventEnvelope): Promise<void> {
    await this.bus.publish(envelope);
  }

  override handled(envelope: EventEnvelope): Promise<void> {
    return this.bus.whenHandled(envelope.id);
  }
}
