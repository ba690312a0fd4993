import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import {
  EVENT_VERSION,
  eventEnvelopeSchema,
  eventSchemas,
  type EventEnvelope,
  type EventMap,
  type EventType,
} from '@berth/contracts';
import { SystemSettingRepository, bulkInsert } from '@berth/platform/database';
import { backoffDelayMs } from '../backoff.policy';
import type { EventPublisher } from '../event-publisher.port';
import { describeError } from '../transports/messaging.context';
import { OutboxEventEntity } from './outbox-event.entity';

/** The payload type of a known event type; anything for types outside the EventMap. */
export type EventData<K extends string> = K extends EventType ? EventMap[K] : unknown;

/** An event to append: an envelope, or its parts with id, version and time filled in on append. */
export type NewEvent<T = unknown> = Omit<EventEnvelope<T>, 'id' | 'version' | 'occurredAt'> &
  Partial<Pick<EventEnvelope<T>, 'id' | 'version' | 'occurredAt'>>;

/** Builds an envelope with a fresh uuid v4 id, the current contract version and time. */
export function createEvent<K extends string>(
  type: K,
  data: EventData<K>,
  source: string,
  correlationId?: string,
): EventEnvelope<EventData<K>> {
  return {
    id: randomUUID(),
    type,
    version: EVENT_VERSION,
    occurredAt: new Date().toISOString(),
    source,
    ...(correlationId ? { correlationId } : {}),
    data,
  };
}

/**
 * Completes and checks an event before it is stored: the envelope must be well formed and,
 * for types in the EventMap, the data must match the type's schema. Throws a ZodError.
 */
export function toValidEnvelope<T>(event: NewEvent<T>): EventEnvelope<T> {
  const envelope: EventEnvelope<T> = {
    id: event.id ?? randomUUID(),
    type: event.type,
    version: event.version ?? EVENT_VERSION,
    occurredAt: event.occurredAt ?? new Date().toISOString(),
    source: event.source,
    ...(event.correlationId ? { correlationId: event.correlationId } : {}),
    data: event.data,
  };
  eventEnvelopeSchema.parse(envelope);
  if (Object.hasOwn(eventSchemas, envelope.type))
    eventSchemas[envelope.type as EventType].parse(envelope.data);
  return envelope;
}

/** Below NATS's default max_payload of 1 MiB, leaving room for headers. */
export const MAX_EVENT_BYTES = 900 * 1024;

let lastSeq = 0;
/** Microseconds since the epoch, bumped to stay strictly increasing within this process. */
function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

/** Rows per INSERT of a group: 8 parameters each, far below every driver's limit. */
const MAX_GROUP_ROWS = 500;
const OUTBOX_COLUMNS = [
  'id',
  'seq',
  'type',
  'payload',
  'occurred_at',
  'published_at',
  'attempts',
  'last_error',
] as const;

interface GroupedRow {
  row: OutboxEventEntity;
  stored: () => void;
  failed: (error: unknown) => void;
}

/**
 * Stores events in the outbox table inside the caller's transaction, so a domain change and
 * its event commit (or roll back) together. The relay is told once the transaction commits.
 */
export class OutboxWriter {
  private readonly appended = new EventEmitter<{ appended: [] }>();
  private readonly groups = new Map<DataSource, GroupedRow[]>();
  private readonly flushing = new Set<Promise<void>>();
  private readonly awaitingCommit = new WeakSet<QueryRunner>();
  private readonly watched = new WeakSet<DataSource>();
  private readonly subscriber: EntitySubscriberInterface = {
    afterTransactionCommit: (e: TransactionCommitEvent) => {
      // Savepoint releases also "commit"; only the outermost commit makes rows visible.
      if (e.queryRunner.isTransactionActive || !this.awaitingCommit.has(e.queryRunner)) return;
      this.awaitingCommit.delete(e.queryRunner);
      this.appended.emit('appended');
    },
    afterTransactionRollback: (e: TransactionRollbackEvent) => {
      if (!e.queryRunner.isTransactionActive) this.awaitingCommit.delete(e.queryRunner);
    },
  };

  /**
   * Appends the event through `manager`: pass the EntityManager of your transaction
   * (`dataSource.transaction(async (em) => { ...; await outbox.append(em, event) })`).
   */
  async append<T>(manager: EntityManager, event: NewEvent<T>): Promise<EventEnvelope<T>> {
    const envelope = toValidEnvelope(event);
    await manager.insert(OutboxEventEntity, rowOf(envelope));
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive) {
      this.watch(manager.connection);
      this.awaitingCommit.add(runner);
    } else {
      this.appended.emit('appended');
    }
    return envelope;
  }

  /**
   * Appends an event that belongs to no transaction (a pull, say), stored in one INSERT with the
   * others appended in the same turn of the event loop: a hot read path pays one statement per
   * burst instead of one per request. Resolves once the row is stored; rejects if it was not.
   */
  appendGrouped<T>(dataSource: DataSource, event: NewEvent<T>): Promise<EventEnvelope<T>> {
    const envelope = toValidEnvelope(event);
    const row = rowOf(envelope);
    return new Promise((resolve, reject) => {
      let group = this.groups.get(dataSource);
      if (!group) {
        group = [];
        this.groups.set(dataSource, group);
        setImmediate(() => this.track(this.storeGroup(dataSource)));
      }
      group.push({ row, stored: () => resolve(envelope), failed: reject });
    });
  }

  /** Resolves once every grouped append so far is stored (or has failed): call before shutdown. */
  async drain(): Promise<void> {
    for (let round = 0; round < 10 && (this.groups.size > 0 || this.flushing.size > 0); round++) {
      for (const dataSource of [...this.groups.keys()]) this.track(this.storeGroup(dataSource));
      await Promise.all([...this.flushing]);
    }
  }

  private track(flush: Promise<void>): void {
    this.flushing.add(flush);
    void flush.finally(() => this.flushing.delete(flush));
  }

  private async storeGroup(dataSource: DataSource): Promise<void> {
    const group = this.groups.get(dataSource);
    this.groups.delete(dataSource);
    if (!group) return;
    for (let i = 0; i < group.length; i += MAX_GROUP_ROWS) {
      const part = group.slice(i, i + MAX_GROUP_ROWS);
      try {
        await bulkInsert(
          dataSource,
          'outbox_event',
          OUTBOX_COLUMNS,
          part.map(({ row }) => [
            row.id,
            row.seq,
            row.type,
            row.payload,
            row.occurredAt,
            null,
            0,
            null,
          ]),
        );
      } catch (e) {
        for (const g of part) g.failed(e);
        continue;
      }
      for (const g of part) g.stored();
    }
    this.appended.emit('appended');
  }

  /** Calls `listener` after a transaction that appended events has committed. */
  onAppended(listener: () => void): () => void {
    this.appended.on('appended', listener);
    return () => this.appended.off('appended', listener);
  }

  private watch(dataSource: DataSource): void {
    // Subscribers are rebuilt by initialize(), so check membership rather than a flag alone.
    if (this.watched.has(dataSource) && dataSource.subscribers.includes(this.subscriber)) return;
    dataSource.subscribers.push(this.subscriber);
    this.watched.add(dataSource);
  }
}

/** The outbox row of a checked envelope. @throws when it is too large for any broker message */
function rowOf(envelope: EventEnvelope<unknown>): OutboxEventEntity {
  const payload = JSON.stringify(envelope);
  const size = Buffer.byteLength(payload);
  // Refused here, in the caller's transaction: a row the broker can never take would block the relay.
  if (size > MAX_EVENT_BYTES)
    throw new Error(
      `event ${envelope.type} is ${size} bytes; at most ${MAX_EVENT_BYTES} fit a message`,
    );
  return {
    id: envelope.id,
    seq: nextSeq(),
    type: envelope.type,
    payload,
    occurredAt: envelope.occurredAt,
    publishedAt: null,
    attempts: 0,
    lastError: null,
  };
}

export interface OutboxRelayOptions {
  /** Pause between scans when there was nothing to publish. */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Pause after a failed publish; doubles with each failure in a row, up to retryCapMs. */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Published rows are deleted after this long. */
  retainPublishedMs?: number;
  cleanupIntervalMs?: number;
}

type CycleOutcome = 'idle' | 'more' | 'failed';

/** Where the in-memory transports' "handled through" seq is kept. */
const WATERMARK_KEY = 'outbox.handled_through_seq';
const WATERMARK_EVERY_MS = 1000;

/**
 * Publishes outbox rows in append order through an EventPublisher and marks them published.
 * A failed publish leaves the row in place with its error and pauses the relay with capped
 * back-off, retrying from the oldest row, so events written while the broker is down go out,
 * in order, when it returns.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private readonly options: Required<OutboxRelayOptions>;
  private running = false;
  private loop?: Promise<void>;
  private nudged = false;
  private wake?: () => void;
  private failuresInARow = 0;
  private lastCleanup = 0;
  /** In-memory transports: seqs published but not yet handled by every consumer, in order. */
  private readonly unhandled = new Map<number, true>();
  private highestPublished = 0;
  private storedWatermark?: number;
  private lastWatermarkWrite = 0;
  private replayed = false;
  private readonly settings: SystemSettingRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    options: OutboxRelayOptions = {},
  ) {
    this.settings = new SystemSettingRepository(dataSource);
    this.options = {
      pollIntervalMs: options.pollIntervalMs ?? 200,
      batchSize: options.batchSize ?? 500,
      retryBaseMs: options.retryBaseMs ?? 250,
      retryCapMs: options.retryCapMs ?? 5_000,
      retainPublishedMs: options.retainPublishedMs ?? 24 * 60 * 60_000,
      cleanupIntervalMs: options.cleanupIntervalMs ?? 10 * 60_000,
    };
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastCleanup = Date.now();
    this.loop = this.run();
  }

  /** Stops after the row being published, if any; resolves when the relay is idle. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.saveWatermark(true).catch((error: unknown) =>
      this.logger.warn(`outbox watermark not saved: ${describeError(error)}`),
    );
  }

  /** Scan now instead of at the next poll: new rows have been committed. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let outcome: CycleOutcome;
      try {
        if (!this.replayed) await this.replayUnhandled();
        outcome = await this.cycle();
        await this.saveWatermark(false);
      } catch (error) {
        outcome = 'failed';
        this.logger.error(`outbox scan failed: ${describeError(error)}`);
      }
      if (outcome === 'failed') {
        this.failuresInARow += 1;
        // New appends do not cut this pause short: the broker is what we are waiting for.
        await this.pause(
          backoffDelayMs(this.failuresInARow, this.options.retryBaseMs, this.options.retryCapMs),
          false,
        );
        continue;
      }
      if (this.failuresInARow > 0) this.logger.log('publishing resumed');
      this.failuresInARow = 0;
      if (outcome === 'more') continue;
      await this.cleanupIfDue();
      await this.pause(this.options.pollIntervalMs, true);
    }
  }

  private cycle(): Promise<CycleOutcome> {
    if (this.dataSource.options.type === 'postgres') {
      // Replicas lock the rows they publish and skip each other's, so each row goes out once.
      return this.dataSource.transaction((manager) => this.publishBatch(manager, true));
    }
    // SQLite has one writer and a single shared connection: no long transaction; a duplicate
    // publish after a crash is harmless because transports de-duplicate by envelope id.
    return this.publishBatch(this.dataSource.manager, false);
  }

  private async publishBatch(manager: EntityManager, lock: boolean): Promise<CycleOutcome> {
    let query = manager
      .getRepository(OutboxEventEntity)
      .createQueryBuilder('o')
      .where('o.publishedAt IS NULL')
      .orderBy('o.seq', 'ASC')
      .limit(this.options.batchSize);
    if (lock) query = query.setLock('pessimistic_write').setOnLocked('skip_locked');
    const rows = await query.getMany();

    const published: string[] = [];
    let failure: { row: OutboxEventEntity; error: unknown } | undefined;
    for (const row of rows) {
      if (!this.running) break;
      try {
        const envelope = JSON.parse(row.payload) as EventEnvelope;
        await this.publisher.publish(envelope);
        this.track(row.seq, envelope);
        published.push(row.id);
      } catch (error) {
        failure = { row, error };
        break;
      }
    }

    if (published.length > 0) {
      // Written by hand: the query builder's cost grows with every id it binds.
      const postgres = manager.connection.options.type === 'postgres';
      const marks = published.map((_, i) => (postgres ? `$${i + 2}` : '?'));
      await manager.query(
        `UPDATE "outbox_event" SET "published_at" = ${postgres ? '$1' : '?'}, "last_error" = NULL, "attempts" = "attempts" + 1 WHERE "id" IN (${marks.join(', ')})`,
        [new Date().toISOString(), ...published],
      );
    }
    if (failure) {
      const lastError = describeError(failure.error).slice(0, 2000);
      await manager.update(
        OutboxEventEntity,
        { id: failure.row.id },
        { attempts: failure.row.attempts + 1, lastError },
      );
      if (this.failuresInARow === 0)
        this.logger.warn(`publishing paused, events stay in the outbox: ${lastError}`);
      return 'failed';
    }
    return rows.length === this.options.batchSize ? 'more' : 'idle';
  }

  /** Remembers an event an in-memory transport holds until its consumers are done with it. */
  private track(seq: number, envelope: EventEnvelope): void {
    if (!this.publisher.handled) return;
    this.highestPublished = Math.max(this.highestPublished, seq);
    this.unhandled.set(seq, true);
    void this.publisher.handled(envelope).then(() => this.unhandled.delete(seq));
  }

  /** Every event up to this seq has been handled by every consumer (in-memory transports). */
  private watermark(): number {
    for (const seq of this.unhandled.keys()) return seq - 1;
    return this.highestPublished;
  }

  /**
   * With a transport that keeps events in memory, the rows it took but had not finished when
   * the process stopped (or died) are published again at start: consumers are idempotent, a
   * lost event is not. The watermark is stored at most once a second and at stop.
   */
  private async replayUnhandled(): Promise<void> {
    if (!this.publisher.handled) {
      this.replayed = true;
      return;
    }
    const stored = await this.settings.get(WATERMARK_KEY);
    const repo = this.dataSource.getRepository(OutboxEventEntity);
    if (stored === undefined) {
      const last = await repo
        .createQueryBuilder('o')
        .select('MAX(o.seq)', 'seq')
        .where('o.publishedAt IS NOT NULL')
        .getRawOne<{ seq: string | number | null }>();
      this.highestPublished = Number(last?.seq ?? 0);
    } else {
      this.highestPublished = Number(stored);
      let after = this.highestPublished;
      let replayed = 0;
      for (;;) {
        const rows = await repo
          .createQueryBuilder('o')
          .where('o.publishedAt IS NOT NULL AND o.seq > :after', { after })
          .orderBy('o.seq', 'ASC')
          .limit(this.options.batchSize)
          .getMany();
        for (const row of rows) {
          const envelope = JSON.parse(row.payload) as EventEnvelope;
          await this.publisher.publish(envelope);
          this.track(row.seq, envelope);
          after = row.seq;
          replayed += 1;
        }
        if (rows.length < this.options.batchSize) break;
      }
      if (replayed > 0)
        this.logger.warn(
          `published ${replayed} events again that were not handled before the last stop`,
        );
    }
    this.replayed = true;
    await this.saveWatermark(true);
  }

  private async saveWatermark(force: boolean): Promise<void> {
    if (!this.publisher.handled || !this.replayed) return;
    const mark = this.watermark();
    if (mark === this.storedWatermark) return;
    if (!force && Date.now() - this.lastWatermarkWrite < WATERMARK_EVERY_MS) return;
    this.lastWatermarkWrite = Date.now();
    await this.settings.put(WATERMARK_KEY, String(mark));
    this.storedWatermark = mark;
  }

  private async cleanupIfDue(): Promise<void> {
    if (Date.now() - this.lastCleanup < this.options.cleanupIntervalMs) return;
    this.lastCleanup = Date.now();
    const cutoff = new Date(Date.now() - this.options.retainPublishedMs).toISOString();
    try {
      await this.dataSource
        .createQueryBuilder()
        .delete()
        .from(OutboxEventEntity)
        .where('published_at IS NOT NULL AND published_at < :cutoff', { cutoff })
        .execute();
    } catch (error) {
      this.logger.warn(`outbox cleanup failed: ${describeError(error)}`);
    }
  }

  private pause(ms: number, nudgeable: boolean): Promise<void> {
    if (!this.running || (nudgeable && this.nudged)) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        if (nudgeable) this.nudged = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // stop() always wakes the relay; a nudge only ends a pause that allows it.
      this.wake = () => {
        if (nudgeable || !this.running) done();
      };
    });
  }
}
