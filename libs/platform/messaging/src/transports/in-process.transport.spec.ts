import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@berth/contracts';
import { createEvent } from '../outbox/outbox';
import { InProcessBus, type DeadLetter } from './in-process.transport';

const policy = { maxDeliver: 3, backoffMs: 20 };
const event = (n: number): EventEnvelope => createEvent('test.happened', { n }, 'spec');

function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (check()) return resolve();
      if (Date.now() > deadline) return reject(new Error('condition not met in time'));
      setTimeout(tick, 5);
    };
    tick();
  });
}

describe('InProcessBus', () => {
  it('says an event is handled once every consumer acknowledged or dead-lettered it', async () => {
    const bus = new InProcessBus();
    let release = (): void => undefined;
    const slow = new Promise<void>((r) => (release = r));
    const stopA = bus.subscribe('a', policy, () => slow);
    const stopB = bus.subscribe('b', { maxDeliver: 1, backoffMs: 1 }, async () => {
      throw new Error('never works');
    });
    const e = event(1);
    await bus.publish(e);
    let handled = false;
    void bus.whenHandled(e.id).then(() => (handled = true));
    await until(() => bus.deadLetters.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(handled).toBe(false); // consumer a is still at it
    release();
    await until(() => handled);
    await expect(bus.whenHandled('unknown-id')).resolves.toBeUndefined();
    await stopA();
    await stopB();
  });

  it('drops a re-published id within the window and delivers it once', async () => {
    const bus = new InProcessBus();
    const seen: string[] = [];
    const stop = bus.subscribe('svc', policy, async (e) => void seen.push(e.id));
    const e = event(1);
    expect(await bus.publish(e)).toBe(true);
    expect(await bus.publish(e)).toBe(false);
    await bus.publish(event(2));
    await until(() => seen.length === 2);
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.filter((id) => id === e.id)).toHaveLength(1);
    await stop();
  });

  it('accepts an id again once it has left the de-duplication window', async () => {
    const bus = new InProcessBus({ dedupeWindowMs: 10 });
    const e = event(1);
    expect(await bus.publish(e)).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(await bus.publish(e)).toBe(true);
  });

  it('keeps events for a named consumer while nobody listens and delivers them on return', async () => {
    const bus = new InProcessBus();
    const first: number[] = [];
    const stop = bus.subscribe(
      'svc',
      policy,
      async (e) => void first.push((e.data as { n: number }).n),
    );
    await bus.publish(event(1));
    await until(() => first.length === 1);
    await stop();
    await bus.publish(event(2));
    await bus.publish(event(3));
    expect(bus.pendingCount('svc')).toBe(2);
    const second: number[] = [];
    const stop2 = bus.subscribe(
      'svc',
      policy,
      async (e) => void second.push((e.data as { n: number }).n),
    );
    await until(() => second.length === 2);
    expect(second.sort()).toEqual([2, 3]);
    expect(first).toEqual([1]);
    await stop2();
  });

  it('redelivers a failing event with growing back-off, then dead-letters it with its id', async () => {
    const bus = new InProcessBus();
    const letters: DeadLetter[] = [];
    bus.onDeadLetter((l) => letters.push(l));
    const attempts: Array<{ count: number; at: number }> = [];
    const stop = bus.subscribe('svc', policy, async (_e, count) => {
      attempts.push({ count, at: Date.now() });
      throw new Error('handler broke');
    });
    const e = event(7);
    await bus.publish(e);
    await until(() => letters.length === 1);
    expect(attempts.map((a) => a.count)).toEqual([1, 2, 3]);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(19);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(39);
    expect(letters[0]).toMatchObject({
      consumer: 'svc',
      subject: 'berth.dlq.svc.test.happened',
      error: 'handler broke',
      deliveryCount: 3,
    });
    expect(letters[0].envelope.id).toBe(e.id);
    expect(bus.deadLetters).toHaveLength(1);
    expect(bus.pendingCount('svc')).toBe(0);
    await stop();
  });

  it('lets a consumer name seen for the first time catch up on recent events', async () => {
    const bus = new InProcessBus({ journalSize: 2 });
    await bus.publish(event(1));
    await bus.publish(event(2));
    await bus.publish(event(3));
    const seen: number[] = [];
    const stop = bus.subscribe(
      'late',
      policy,
      async (e) => void seen.push((e.data as { n: number }).n),
    );
    await until(() => seen.length === 2);
    expect(seen).toEqual([2, 3]);
    await stop();
  });

  it('answers requests through a registered responder and fails fast without one', async () => {
    const bus = new InProcessBus();
    const off = bus.serve('echo', async (data) => ({ echoed: data }));
    await expect(bus.request('echo', 5)).resolves.toEqual({ echoed: 5 });
    off();
    await expect(bus.request('echo', 5)).rejects.toThrow(/no handler/);
  });
});
