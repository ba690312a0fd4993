import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import {
  exportPublicJwk,
  importSigningKey,
  MAX_CLOCK_TOLERANCE_SECONDS,
  type JwkSet,
  type SigningKey,
} from '@berth/platform/jwt';
import { keySchedule, type KeySchedule } from './signing-key-schedule';
import { SigningKeyRepository } from './signing-key.repository';

// Long enough to spare the database, short enough that a rotation by another replica shows up soon.
export const SIGNING_KEYS_RELOAD_AFTER_MS = 60_000;

interface LoadedKey {
  generation: number;
  activatesAt: string;
  key: SigningKey;
}

/**
 * The signing keys from the database, parsed once and reloaded every minute. Which key signs
 * and which are published is decided at each call from the keys' times, so every replica
 * switches to a rotated key at the same moment (it loaded the key long before).
 */
@Injectable()
export class SigningKeyCache {
  private loaded: { keys: LoadedKey[]; loadedAt: number } | undefined;

  constructor(
    private readonly repository: SigningKeyRepository,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /**
   * How long after a key stops signing its tokens may still be presented: their lifetime, the
   * verifiers' clock tolerance, and a reload period of slack for replicas' clocks.
   */
  get tokenLifetimeMs(): number {
    return (
      (this.config.auth.tokenTtlSeconds + MAX_CLOCK_TOLERANCE_SECONDS) * 1000 +
      SIGNING_KEYS_RELOAD_AFTER_MS
    );
  }

  async activeKey(): Promise<SigningKey> {
    return (await this.schedule()).active.key;
  }

  async jwks(): Promise<JwkSet> {
    const { published } = await this.schedule();
    return { keys: published.map((k) => exportPublicJwk(k.key.publicKey)) };
  }

  /** Drops the loaded keys, so the next call reads the database (after this replica rotated). */
  invalidate(): void {
    this.loaded = undefined;
  }

  private async schedule(): Promise<KeySchedule<LoadedKey>> {
    const now = Date.now();
    if (!this.loaded || now - this.loaded.loadedAt >= SIGNING_KEYS_RELOAD_AFTER_MS) {
      const rows = await this.repository.findAll();
      this.loaded = {
        keys: rows.map((row) => ({
          generation: row.generation,
          activatesAt: row.activatesAt ?? row.createdAt,
          key: importSigningKey(JSON.parse(row.privateJwk)),
        })),
        loadedAt: now,
      };
    }
    return keySchedule(this.loaded.keys, now, this.tokenLifetimeMs);
  }
}
