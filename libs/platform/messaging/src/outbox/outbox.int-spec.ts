import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client as PgClient } from 'pg';
import { IsNull, type DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@berth/contracts';
import type { DatabaseSettings } from '@berth/platform/config';
import { createDataSource, runMigrations } from '@berth/platform/database';
import { ensureDependencies, waitFor } from '@berth/platform/testing';
import { EventPublisher } from '../event-publisher.port';
import { messagingDatabaseParts } from '../messaging-database.parts';
import { createEvent, MAX_EVENT_BYTES, OutboxRelay, OutboxWriter } from './outbox';
import { OutboxEventEntity } from './outbox-event.entity';

/** Records what it is asked to publish; can be made to fail like a broker that is down. */
class RecordingPublisher extends EventPublisher {
  readonly published: EventEnvelope[] = [];
  down = false;

  async publish(envelope: EventEnvelope): Promise<void> {
    if (this.down) throw new Error('broker unreachable');
    // A little latency, so concurrent relays really overlap.
    await new Promise((r) => setTimeout(r, 1));
    this.published.push(envelope);
  }
}

const event = (n: number): EventEnvelope => createEvent('test.happened', { n }, 'outbox-spec');

async function openDatabase(settings: DatabaseSettings): Promise<DataSource> {
  const ds = createDataSource(settings, messagingDatabaseParts);
  await ds.initialize();
  await runMigrations(ds);
  return ds;
}

describe('outbox on SQLite', () => {
  let dir: string;
  let ds: DataSource;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-outbox-'));
    ds = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'berth.db') });
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await ds.getRepository(OutboxEventEntity).clear();
  });
  afterAll(async () => {
    await ds.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes committed events in the order they were appended, and never those rolled back', async () => {
    const writer = new OutboxWriter();
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay(ds, publisher, { pollIntervalMs: 50 });
    relays.push(relay);

    const committed = await ds.transaction(async (em) => {
      const out: EventEnvelope[] = [];
      for (let n = 0; n < 5; n++) out.push(await writer.append(em, event(n)));
      return out;
    });
    const rolledBack = event(99);
    await expect(
      ds.transaction(async (em) => {
        await writer.append(em, rolledBack);
        throw new Error('domain write failed');
      }),
    ).rejects.toThrow('domain write failed');

    relay.start();
    await waitFor(() => publisher.published.length >= 5, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(publisher.published.map((e) => e.id)).toEqual(committed.map((e) => e.id));
    expect(await ds.getRepository(OutboxEventEntity).countBy({ publishedAt: IsNull() })).toBe(0);
  });

  it('publishes a committed append at once, without waiting for the next poll', async () => {
    const writer = new OutboxWriter();
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay(ds, publisher, { pollIntervalMs: 60_000 });
    writer.onAppended(() => relay.nudge());
    relays.push(relay);
    relay.start();
    await new Promise((r) => setTimeout(r, 100));

    const appendedAt = Date.now();
    const e = await ds.transaction((em) => writer.append(em, event(1)));
    await waitFor(() => publisher.published.some((p) => p.id === e.id), 5_000, 5);
    expect(Date.now() - appendedAt).toBeLessThan(2_000);
  });

  it('keeps events while publishing fails, records the error, and sends them in order once the broker is back', async () => {
    const writer = new OutboxWriter();
    const publisher = new RecordingPublisher();
    publisher.down = true;
    const relay = new OutboxRelay(ds, publisher, {
      pollIntervalMs: 20,
      retryBaseMs: 20,
      retryCapMs: 200,
    });
    writer.onAppended(() => relay.nudge());
    relays.push(relay);
    relay.start();

    const events = await ds.transaction(async (em) => [
      await writer.append(em, event(1)),
      await writer.append(em, event(2)),
    ]);
    const repo = ds.getRepository(OutboxEventEntity);
    await waitFor(
      async () => (await repo.findOneByOrFail({ id: events[0].id })).attempts >= 3,
      10_000,
    );
    const failing = await repo.findOneByOrFail({ id: events[0].id });
    expect(failing.publishedAt).toBeNull();
    expect(failing.lastError).toBe('broker unreachable');

    publisher.down = false;
    await waitFor(async () => (await repo.countBy({ publishedAt: IsNull() })) === 0, 10_000);
    expect(publisher.published.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect((await repo.findOneByOrFail({ id: events[0].id })).lastError).toBeNull();
  });

  it('refuses an event too large for one message, failing the whole transaction', async () => {
    const writer = new OutboxWriter();
    const huge = createEvent('test.happened', { blob: 'x'.repeat(MAX_EVENT_BYTES) }, 'outbox-spec');
    await expect(ds.transaction((em) => writer.append(em, huge))).rejects.toThrow(/bytes/);
    expect(await ds.getRepository(OutboxEventEntity).countBy({})).toBe(0);
  });

  it('stops cleanly: no publishing after stop() resolves', async () => {
    const writer = new OutboxWriter();
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay(ds, publisher, { pollIntervalMs: 20 });
    relay.start();
    await relay.stop();
    expect(relay.isRunning).toBe(false);
    await ds.transaction((em) => writer.append(em, event(1)));
    await new Promise((r) => setTimeout(r, 200));
    expect(publisher.published).toHaveLength(0);
  });
});

describe('outbox on PostgreSQL', () => {
  let adminUrl: string;
  let ds: DataSource;
  const database = `berth_outbox_${Math.random().toString(36).slice(2, 8)}`;
  let settings: DatabaseSettings;

  beforeAll(async () => {
    adminUrl = ensureDependencies(['postgres']).DATABASE_URL;
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`CREATE DATABASE ${database}`);
    await pg.end();
    settings = { kind: 'postgres', url: adminUrl.replace(/\/[^/]+$/, `/${database}`), poolSize: 4 };
    ds = await openDatabase(settings);
  });
  afterAll(async () => {
    await ds?.destroy();
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await pg.end();
  });

  it('four relay replicas publish 300 events between them, each exactly once', async () => {
    const writer = new OutboxWriter();
    await ds.transaction(async (em) => {
      for (let n = 0; n < 300; n++) await writer.append(em, event(n));
    });
    const replicas = await Promise.all(Array.from({ length: 4 }, () => openDatabase(settings)));
    const publisher = new RecordingPublisher();
    const relays = replicas.map(
      (r) => new OutboxRelay(r, publisher, { pollIntervalMs: 20, batchSize: 10 }),
    );
    relays.forEach((r) => r.start());
    try {
      await waitFor(
        async () =>
          (await ds.getRepository(OutboxEventEntity).countBy({ publishedAt: IsNull() })) === 0,
        30_000,
      );
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await Promise.all(replicas.map((r) => r.destroy()));
    }
    const ids = publisher.published.map((e) => e.id);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
  });
});
