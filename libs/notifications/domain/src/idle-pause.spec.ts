import { describe, expect, it } from 'vitest';
import { IdlePause } from './idle-pause';

const elapsed = async (p: Promise<void>): Promise<number> => {
  const t = Date.now();
  await p;
  return Date.now() - t;
};

describe('IdlePause', () => {
  it('ends a pause early on a nudge, and keeps a nudge for the next pause', async () => {
    const idle = new IdlePause();
    const waiting = idle.wait(5000);
    setTimeout(() => idle.nudge(), 10);
    expect(await elapsed(waiting)).toBeLessThan(1000);
    idle.nudge();
    expect(await elapsed(idle.wait(5000))).toBeLessThan(50);
  });

  it('lets a back-off run its course despite nudges, but not a stop', async () => {
    const idle = new IdlePause();
    const backoff = idle.wait(150, false);
    setTimeout(() => idle.nudge(), 10);
    expect(await elapsed(backoff)).toBeGreaterThanOrEqual(140);
    expect(await elapsed(idle.wait(5000))).toBeLessThan(50); // the nudge was kept
    const stopping = idle.wait(5000, false);
    setTimeout(() => idle.stop(), 10);
    expect(await elapsed(stopping)).toBeLessThan(1000);
  });
});
