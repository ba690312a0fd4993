import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Client as PgClient } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { deadLetterSubject, type EventEnvelope } from '@berth/contracts';
import { PrivateNats, ensureDependencies, freePort, waitFor } from '@berth/platform/testing';
import { createEvent } from '../outbox/outbox';
import { transportSuite } from '../testing/transport-suite';
import { DEAD_LETTER_STREAM } from './jetstream.connection';
import { DeadLetterHeaders } from './jetstream.transport';
import { createMessagingTransport } from './transport.factory';

let dir: string;
let nats: PrivateNats | undefined;
let inspector: NatsConnection | undefined;
let adminUrl: string;
const database = `berth_msg_${Math.random().toString(36).slice(2, 8)}`;

async function inspect(): Promise<NatsConnection> {
  const nc: NatsConnection =
    inspector ??
    (await connect({ servers: nats?.url, maxReconnectAttempts: -1, reconnectTimeWait: 250 }));
  inspector = nc;
  return nc;
}

transportSuite({
  name: 'jetstream',
  brokerRestart: true,
  async setup() {
    adminUrl = ensureDependencies(['postgres']).DATABASE_URL;
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`CREATE DATABASE ${database}`);
    await pg.end();

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-msg-nats-'));
    nats = new PrivateNats(await freePort(), path.join(dir, 'store'), path.join(dir, 'nats.log'));
    await nats.start();
    return {
      messaging: { kind: 'jetstream', url: nats.url, maxDeliver: 3, backoffMs: 50 },
      database: {
        kind: 'postgres',
        url: adminUrl.replace(/\/[^/]+$/, `/${database}`),
        poolSize: 5,
      },
      tuning: { jetstream: { reconnectWaitMs: 250, requestTimeoutMs: 2000 } },
      stopBroker: () => nats?.stop() ?? Promise.resolve(),
      startBroker: () => nats?.start() ?? Promise.resolve(),
      async deadLetter(consumer, type, id) {
        const jsm = await jetstreamManager(await inspect());
        const stored = await jsm.streams
          .getMessage(DEAD_LETTER_STREAM, { last_by_subj: deadLetterSubject(consumer, type) })
          .catch(() => null);
        if (!stored) return undefined;
        const envelope = stored.json<EventEnvelope>();
        if (envelope.id !== id) return undefined;
        return {
          id: envelope.id,
          error: stored.header.get(DeadLetterHeaders.Error),
          deliveryCount: Number(stored.header.get(DeadLetterHeaders.DeliveryCount)),
        };
      },
    };
  },
  async teardown() {
    await inspector?.close();
    await nats?.stop();
    if (adminUrl) {
      const pg = new PgClient({ connectionString: adminUrl });
      await pg.connect();
      await pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await pg.end();
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  },
});

const lateArrivals: string[] = [];

@Controller()
class LateController {
  @EventPattern('test.late')
  arrived(@Payload() envelope: EventEnvelope): void {
    lateArrivals.push(envelope.id);
  }
}

@Module({ controllers: [LateController] })
class LateModule {}

describe('jetstream transport started while NATS is not there yet', () => {
  const lateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-msg-late-'));
  let late: PrivateNats | undefined;
  afterAll(async () => {
    await late?.stop();
    fs.rmSync(lateDir, { recursive: true, force: true });
  });

  it('starts anyway, reports not ready, refuses publishes, and consumes once NATS comes up', async () => {
    late = new PrivateNats(
      await freePort(),
      path.join(lateDir, 'store'),
      path.join(lateDir, 'nats.log'),
    );
    const transport = createMessagingTransport(
      { kind: 'jetstream', url: late.url, maxDeliver: 3, backoffMs: 50 },
      'late-starter',
      { jetstream: { reconnectWaitMs: 200, requestTimeoutMs: 1000, startupWaitMs: 300 } },
    );
    const app = await NestFactory.createMicroservice(LateModule, {
      strategy: transport.server,
      logger: ['error'],
    });
    try {
      await app.listen();
      expect((await transport.health.check()).ok).toBe(false);
      await expect(
        transport.publisher.publish(createEvent('test.late', {}, 'spec')),
      ).rejects.toThrow(/NATS/);

      await late.start();
      await transport.server.ready();
      expect((await transport.health.check()).ok).toBe(true);
      const event = createEvent('test.late', {}, 'spec');
      await transport.publisher.publish(event);
      await waitFor(() => lateArrivals.includes(event.id), 20_000);
    } finally {
      await app.close();
      await transport.close();
    }
  });
});
