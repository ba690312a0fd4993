import { describe, expect, it, vi } from 'vitest';
import type { BerthConfig } from '@berth/platform/config';
import {
  SigningKeyRotationConflict,
  type RotateSigningKeyUseCase,
} from './rotate-signing-key.usecase';
import { SigningKeyRotationSchedule } from './signing-key-rotation.schedule';
import type { SigningKeyEntity } from './signing-key.entity';
import type { SigningKeyRepository } from './signing-key.repository';

const DAY = 86_400_000;
const created = Date.parse('2026-01-01T00:00:00Z');

function schedule(days: number, execute: () => Promise<unknown> = async () => undefined) {
  const config = { auth: { signingKeyRotationDays: days } } as BerthConfig;
  const newest = { createdAt: new Date(created).toISOString() } as SigningKeyEntity;
  const keys = { findAll: async () => [newest] } as unknown as SigningKeyRepository;
  const rotate = { execute: vi.fn(execute) };
  const warn = vi.fn();
  return {
    rotate,
    warn,
    schedule: new SigningKeyRotationSchedule(
      config,
      keys,
      rotate as unknown as RotateSigningKeyUseCase,
      { warn },
    ),
  };
}

describe('SigningKeyRotationSchedule', () => {
  it('rotates once the newest key is as old as configured, not before', async () => {
    const s = schedule(30);
    expect(await s.schedule.rotateIfDue(created + 30 * DAY - 1)).toBe(false);
    expect(s.rotate.execute).not.toHaveBeenCalled();
    expect(await s.schedule.rotateIfDue(created + 30 * DAY)).toBe(true);
    expect(s.rotate.execute).toHaveBeenCalledTimes(1);
  });

  it('never rotates when the period is 0', async () => {
    const s = schedule(0);
    expect(await s.schedule.rotateIfDue(created + 10_000 * DAY)).toBe(false);
    expect(s.rotate.execute).not.toHaveBeenCalled();
  });

  it('stands down quietly when another replica rotated first, and logs other failures', async () => {
    const lost = schedule(1, async () => {
      throw new SigningKeyRotationConflict('taken');
    });
    expect(await lost.schedule.rotateIfDue(created + 2 * DAY)).toBe(false);
    expect(lost.warn).not.toHaveBeenCalled();
    const broken = schedule(1, async () => {
      throw new Error('database down');
    });
    expect(await broken.schedule.rotateIfDue(created + 2 * DAY)).toBe(false);
    expect(broken.warn).toHaveBeenCalledTimes(1);
  });
});
