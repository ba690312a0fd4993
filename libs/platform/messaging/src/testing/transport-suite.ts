import { Controller, Inject, Module, UseFilters, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Ctx,
  EventPattern,
  MessagePattern,
  Payload,
  RpcException,
  type ClientProxy,
} from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { firstValueFrom } from 'rxjs';
import { In, IsNull, Not, type DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@berth/contracts';
import {
  ConfigModule,
  type BerthConfig,
  type DatabaseSettings,
  type MessagingSettings,
} from '@berth/platform/config';
import {
  createDataSource,
  DatabaseModule,
  mergeParts,
  platformDatabaseParts,
  runMigrations,
  SystemSettingEntity,
} from '@berth/platform/database';
import { waitFor } from '@berth/platform/testing';
import { MessagingHealth } from '../messaging.health';
import { messagingDatabaseParts } from '../messaging-database.parts';
import { TRANSPORT_SERVER, MessagingModule } from '../messaging.module';
import { createEvent, OutboxRelay, OutboxWriter } from '../outbox/outbox';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { EventErrorFilter } from '../transports/event-error.filter';
import type { MessagingContext } from '../transports/messaging.context';
import {
  createMessagingTransport,
  type MessagingTransport,
  type TransportServer,
  type TransportTuning,
} from '../transports/transport.factory';

export const TEST_EVENT = 'test.happened';

/** A dead letter as the transport under test stores it. */
export interface ObservedDeadLetter {
  id: string;
  error: string;
  deliveryCount: number;
}

/** One transport, set up for the suite by its int-spec. */
export interface TransportUnderTest {
  messaging: MessagingSettings;
  database: DatabaseSettings;
  tuning: TransportTuning;
  /** Stops and starts the broker (only when the suite was told it has one). */
  stopBroker(): Promise<void>;
  startBroker(): Promise<void>;
  /** Looks the event up where the transport keeps dead letters for `consumer`. */
  deadLetter(consumer: string, type: string, id: string): Promise<ObservedDeadLetter | undefined>;
}

export interface TransportSuiteOptions {
  name: string;
  /** True when there is a broker to stop and restart (JetStream); the in-process bus has none. */
  brokerRestart: boolean;
  setup(): Promise<TransportUnderTest>;
  teardown(): Promise<void>;
}

interface Delivery {
  consumer: string;
  id: string;
  deliveryCount: number;
  subject: string;
  at: number;
}

/** What the test handlers saw, shared by every consumer app of one suite. */
export class DeliveryRecorder {
  readonly deliveries: Delivery[] = [];
  /** Ids whose handler throws, on every delivery. */
  readonly failing = new Set<string>();

  of(consumer: string, id: string): Delivery[] {
    return this.deliveries.filter((d) => d.consumer === consumer && d.id === id);
  }

  received(consumer: string, ids: string[]): boolean {
    return ids.every((id) => this.of(consumer, id).length > 0);
  }
}

@Controller()
@UseFilters(new EventErrorFilter())
class RecordingController {
  constructor(@Inject(DeliveryRecorder) private readonly recorder: DeliveryRecorder) {}

  @EventPattern(TEST_EVENT)
  async happened(@Payload() envelope: EventEnvelope, @Ctx() ctx: MessagingContext): Promise<void> {
    this.recorder.deliveries.push({
      consumer: ctx.getConsumer(),
      id: envelope.id,
      deliveryCount: ctx.getDeliveryCount(),
      subject: ctx.getSubject(),
      at: Date.now(),
    });
    if (this.recorder.failing.has(envelope.id)) throw new Error(`handler refuses ${envelope.id}`);
  }

  @MessagePattern('test.echo')
  echo(@Payload() data: unknown, @Ctx() ctx: MessagingContext): unknown {
    return { echoed: data, consumer: ctx.getConsumer(), subject: ctx.getSubject() };
  }

  @MessagePattern('test.refuse')
  refuse(): never {
    throw new RpcException('refused on purpose');
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The behaviour every transport must show, written once: a consumer app with `@EventPattern`
 * and `@MessagePattern` handlers, fed through the real outbox by a separate producer.
 */
export function transportSuite(options: TransportSuiteOptions): void {
  describe(`messaging transport: ${options.name}`, () => {
    const run = Math.random().toString(36).slice(2, 8);
    const recorder = new DeliveryRecorder();
    const openApps = new Set<INestApplication>();
    let t: TransportUnderTest;
    let dataSource: DataSource;
    let producer: MessagingTransport;
    let writer: OutboxWriter;
    let relay: OutboxRelay;

    const consumerName = (label: string): string => `${label}-${run}`;

    async function startConsumer(consumer: string): Promise<INestApplication> {
      const config: BerthConfig = {
        http: { host: '127.0.0.1', port: 0, externalUrl: 'http://127.0.0.1' },
        auth: {
          url: 'http://127.0.0.1',
          realm: 'http://127.0.0.1/service/token',
          tokenTtlSeconds: 300,
          issuer: 'test',
        },
        dataDir: '/nonexistent',
        logLevel: 'error',
        database: t.database,
        storage: { kind: 'filesystem', root: '/nonexistent' },
        messaging: t.messaging,
        notifications: {
          webhookAllowPrivate: false,
          webhookTimeoutMs: 1000,
          webhookMaxAttempts: 1,
        },
      };
      @Module({
        imports: [
          ConfigModule.forRoot(config),
          DatabaseModule.forRoot({ parts: messagingDatabaseParts }),
          MessagingModule.forRoot({
            ...t.tuning,
            consumer,
            relay: { pollIntervalMs: 100, retryBaseMs: 100, retryCapMs: 1000 },
          }),
        ],
        controllers: [RecordingController],
        providers: [{ provide: DeliveryRecorder, useValue: recorder }],
      })
      class ConsumerAppModule {}

      const app = await NestFactory.create(ConsumerAppModule, new FastifyAdapter(), {
        logger: ['error'],
      });
      openApps.add(app);
      const server = app.get<TransportServer>(TRANSPORT_SERVER);
      app.connectMicroservice({ strategy: server });
      await app.startAllMicroservices();
      await app.init();
      await server.ready();
      return app;
    }

    async function stopConsumer(app: INestApplication): Promise<void> {
      openApps.delete(app);
      await app.close();
    }

    /** Appends events through the outbox, each next to a domain row in the same transaction. */
    async function append(
      count: number,
      prepare?: (e: EventEnvelope) => void,
    ): Promise<EventEnvelope[]> {
      return dataSource.transaction(async (em) => {
        const out: EventEnvelope[] = [];
        for (let i = 0; i < count; i++) {
          const event = createEvent(TEST_EVENT, { n: i }, 'transport-suite');
          prepare?.(event);
          await em.insert(SystemSettingEntity, {
            key: `suite.${event.id}`,
            value: 'x',
            updatedAt: event.occurredAt,
          });
          out.push(await writer.append(em, event));
        }
        return out;
      });
    }

    const published = async (events: EventEnvelope[]): Promise<boolean> =>
      (await dataSource.getRepository(OutboxEventEntity).countBy({
        id: In(events.map((e) => e.id)),
        publishedAt: Not(IsNull()),
      })) === events.length;

    /** Waits until a later event arrived too, so a duplicate of an earlier one would have shown. */
    async function settle(consumer: string): Promise<void> {
      const [marker] = await append(1);
      await waitFor(() => recorder.received(consumer, [marker.id]), 20_000);
      await sleep(300);
    }

    const ids = (events: EventEnvelope[]): string[] => events.map((e) => e.id);
    const deliveredOnce = (consumer: string, events: EventEnvelope[]): number[] =>
      events.map((e) => recorder.of(consumer, e.id).length);

    beforeAll(async () => {
      t = await options.setup();
      dataSource = createDataSource(
        t.database,
        mergeParts(platformDatabaseParts, messagingDatabaseParts),
      );
      await dataSource.initialize();
      await runMigrations(dataSource);
      producer = createMessagingTransport(t.messaging, `producer-${run}`, t.tuning);
      writer = new OutboxWriter();
      relay = new OutboxRelay(dataSource, producer.publisher, {
        pollIntervalMs: 100,
        retryBaseMs: 100,
        retryCapMs: 1000,
      });
      writer.onAppended(() => relay.nudge());
      relay.start();
    });

    afterEach(async () => {
      for (const app of [...openApps]) await stopConsumer(app);
    });

    afterAll(async () => {
      await relay?.stop();
      await producer?.close();
      if (dataSource?.isInitialized) await dataSource.destroy();
      await options.teardown();
    });

    it('delivers to a restarted consumer exactly the events published while it was stopped', async () => {
      const consumer = consumerName('restart');
      const first = await startConsumer(consumer);
      const before = await append(2);
      await waitFor(() => recorder.received(consumer, ids(before)), 20_000);
      await stopConsumer(first);

      const missed = await append(3);
      await waitFor(() => published(missed), 20_000);
      await sleep(200);
      expect(deliveredOnce(consumer, missed)).toEqual([0, 0, 0]);

      const restartedAt = Date.now();
      await startConsumer(consumer);
      await waitFor(() => recorder.received(consumer, ids(missed)), 20_000);
      await settle(consumer);
      const afterRestart = recorder.deliveries.filter(
        (d) => d.consumer === consumer && d.at >= restartedAt,
      );
      const caseIds = new Set(ids([...before, ...missed]));
      expect(
        afterRestart
          .filter((d) => caseIds.has(d.id))
          .map((d) => d.id)
          .sort(),
      ).toEqual(ids(missed).sort());
      expect(deliveredOnce(consumer, [...before, ...missed])).toEqual([1, 1, 1, 1, 1]);
    });

    if (options.brokerRestart) {
      it('events appended while NATS is stopped are delivered exactly once after it restarts', async () => {
        const consumer = consumerName('outage');
        const app = await startConsumer(consumer);
        const health = app.get(MessagingHealth);
        expect((await health.check()).ok).toBe(true);

        await t.stopBroker();
        await waitFor(async () => !(await health.check()).ok, 20_000);
        const during = await append(10);
        // The writes committed: domain rows and outbox rows are there, unpublished.
        expect(
          await dataSource
            .getRepository(SystemSettingEntity)
            .countBy({ key: In(during.map((e) => `suite.${e.id}`)) }),
        ).toBe(10);
        await waitFor(
          async () =>
            (await dataSource
              .getRepository(OutboxEventEntity)
              .countBy({ id: In(ids(during)), lastError: Not(IsNull()) })) > 0,
          20_000,
        );
        expect(await published(during)).toBe(false);
        expect(deliveredOnce(consumer, during).every((n) => n === 0)).toBe(true);

        await t.startBroker();
        await waitFor(async () => (await health.check()).ok, 30_000);
        await waitFor(() => recorder.received(consumer, ids(during)), 30_000);
        await waitFor(() => published(during), 20_000);
        await settle(consumer);
        expect(deliveredOnce(consumer, during)).toEqual(during.map(() => 1));
      });
    } else {
      it(`events appended while the consumer is stopped are delivered exactly once after it restarts (${options.name}: no broker to stop)`, async () => {
        const consumer = consumerName('outage');
        const first = await startConsumer(consumer);
        const [warm] = await append(1);
        await waitFor(() => recorder.received(consumer, [warm.id]), 20_000);
        await stopConsumer(first);

        const during = await append(10);
        expect(
          await dataSource
            .getRepository(SystemSettingEntity)
            .countBy({ key: In(during.map((e) => `suite.${e.id}`)) }),
        ).toBe(10);
        await waitFor(() => published(during), 20_000);
        expect(deliveredOnce(consumer, during).every((n) => n === 0)).toBe(true);

        await startConsumer(consumer);
        await waitFor(() => recorder.received(consumer, ids(during)), 20_000);
        await settle(consumer);
        expect(deliveredOnce(consumer, during)).toEqual(during.map(() => 1));
      });
    }

    it('delivers a re-published event id once: publisher called twice, and relay re-sending a row', async () => {
      const consumer = consumerName('dedupe');
      await startConsumer(consumer);

      const twice = createEvent(TEST_EVENT, { n: 1 }, 'transport-suite');
      await producer.publisher.publish(twice);
      await producer.publisher.publish(twice);

      // A relay that crashed after publishing but before marking the row sends it again.
      const [row] = await append(1);
      await waitFor(() => published([row]), 20_000);
      await waitFor(() => recorder.received(consumer, [twice.id, row.id]), 20_000);
      await dataSource
        .getRepository(OutboxEventEntity)
        .update({ id: row.id }, { publishedAt: null });
      relay.nudge();
      await waitFor(() => published([row]), 20_000);
      const resent = await dataSource
        .getRepository(OutboxEventEntity)
        .findOneByOrFail({ id: row.id });
      expect(resent.attempts).toBeGreaterThanOrEqual(2);

      await settle(consumer);
      expect(deliveredOnce(consumer, [twice, row])).toEqual([1, 1]);
    });

    it('retries a failing handler maxDeliver times with growing back-off, then dead-letters the event with its id', async () => {
      const consumer = consumerName('dlq');
      await startConsumer(consumer);
      const { maxDeliver, backoffMs } = t.messaging;

      const [doomed] = await append(1, (e) => recorder.failing.add(e.id));
      const letter = await waitFor(() => t.deadLetter(consumer, TEST_EVENT, doomed.id), 30_000);

      const attempts = recorder.of(consumer, doomed.id);
      expect(attempts.map((a) => a.deliveryCount)).toEqual(
        Array.from({ length: maxDeliver }, (_, i) => i + 1),
      );
      for (let i = 1; i < attempts.length; i++) {
        // Timers may fire a millisecond early; the back-off doubles per failed delivery.
        expect(attempts[i].at - attempts[i - 1].at).toBeGreaterThanOrEqual(
          backoffMs * 2 ** (i - 1) - 5,
        );
      }
      expect(letter).toMatchObject({ id: doomed.id, deliveryCount: maxDeliver });
      expect(letter.error).toContain(`handler refuses ${doomed.id}`);

      // Dead-lettered means done: no further deliveries.
      await sleep(backoffMs * 2 ** maxDeliver + 300);
      expect(recorder.of(consumer, doomed.id)).toHaveLength(maxDeliver);
    });

    it('answers a request through a @MessagePattern handler, and returns handler errors to the caller', async () => {
      const consumer = consumerName('rpc');
      await startConsumer(consumer);
      const client: ClientProxy = producer.client;

      await expect(firstValueFrom(client.send('test.echo', { n: 42 }))).resolves.toEqual({
        echoed: { n: 42 },
        consumer,
        subject: 'berth.rpc.test.echo',
      });
      await expect(firstValueFrom(client.send('test.refuse', {}))).rejects.toMatchObject({
        message: 'refused on purpose',
      });
      await expect(firstValueFrom(client.send('test.nobody', {}))).rejects.toMatchObject({
        message: expect.stringContaining('no handler'),
      });
    });
  });
}
