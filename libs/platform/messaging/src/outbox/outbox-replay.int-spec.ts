import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@berth/contracts';
import {
  createDataSource,
  mergeParts,
  platformDatabaseParts,
  runMigrations,
} from '@berth/platform/database';
import { waitFor } from '@berth/platform/testing';
import { messagingDatabaseParts } from '../messaging-database.parts';
import { InProcessBus, InProcessEventPublisher } from '../transports/in-process.transport';
import { createEvent, OutboxRelay, OutboxWriter } from './outbox';

/**
 * The in-process bus keeps what the relay handed it in memory only. A process that stops (or
 * dies) with events not yet handled must publish them again at its next start.
 */
describe('outbox relay over an in-memory transport', () => {
  let dir: string;
  let ds: DataSource;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-outbox-replay-'));
    ds = createDataSource(
      { kind: 'sqlite', file: path.join(dir, 'berth.db') },
      mergeParts(platformDatabaseParts, messagingDatabaseParts),
    );
    await ds.initialize();
    await runMigrations(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes again, after a restart, every event from the first one a consumer had not finished', async () => {
    const writer = new OutboxWriter();
    const events = Array.from({ length: 10 }, (_, n) =>
      createEvent('test.happened', { n }, 'spec'),
    );
    for (const e of events) await ds.transaction((em) => writer.append(em, e));

    // First life: the consumer finishes even-numbered events and hangs on odd ones.
    const firstBus = new InProcessBus();
    const finished: number[] = [];
    firstBus.subscribe('svc', { maxDeliver: 3, backoffMs: 10 }, async (e) => {
      const n = (e.data as { n: number }).n;
      if (n % 2 === 1) await new Promise(() => undefined);
      finished.push(n);
    });
    const first = new OutboxRelay(ds, new InProcessEventPublisher(firstBus), {
      pollIntervalMs: 20,
    });
    first.start();
    await waitFor(() => finished.length === 5, 10_000, 10);
    await first.stop();

    // Second life, a fresh bus: the five unfinished events come again, and only those.
    const secondBus = new InProcessBus();
    const seen: number[] = [];
    secondBus.subscribe('svc', { maxDeliver: 3, backoffMs: 10 }, async (e: EventEnvelope) => {
      seen.push((e.data as { n: number }).n);
    });
    const second = new OutboxRelay(ds, new InProcessEventPublisher(secondBus), {
      pollIntervalMs: 20,
    });
    second.start();
    // Odd events from 1 on: the watermark stops below the first unfinished one, so the evens
    // after it come again too (consumers are idempotent; losing one is what must not happen).
    await waitFor(() => seen.length >= 9, 10_000, 10);
    await new Promise((r) => setTimeout(r, 200));
    await second.stop();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // Third life: everything was handled, nothing comes again.
    const thirdBus = new InProcessBus();
    const again: number[] = [];
    thirdBus.subscribe('svc', { maxDeliver: 3, backoffMs: 10 }, async (e: EventEnvelope) => {
      again.push((e.data as { n: number }).n);
    });
    const third = new OutboxRelay(ds, new InProcessEventPublisher(thirdBus), {
      pollIntervalMs: 20,
    });
    third.start();
    await new Promise((r) => setTimeout(r, 300));
    await third.stop();
    expect(again).toEqual([]);
  });
});
