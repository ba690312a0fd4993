import { Inject, Injectable } from '@nestjs/common';
import { JWT_ALGORITHM, exportPrivateJwk, generateSigningKey } from '@berth/platform/jwt';
import { BERTH_LOGGER, type BerthLogger } from '@berth/platform/observability';
import { keySchedule } from './signing-key-schedule';
import { SIGNING_KEYS_RELOAD_AFTER_MS, SigningKeyCache } from './signing-key.cache';
import { SigningKeyRepository } from './signing-key.repository';

/**
 * How long a new key is published before it signs: every auth replica must have loaded it
 * (they reload every minute) and HTTP caches of the JWKS (max-age 60 s) must have expired, so a
 * verifier that refetches on the unknown kid finds it. Three reload periods leave room.
 */
export const KEY_PUBLISH_AHEAD_MS = 3 * SIGNING_KEYS_RELOAD_AFTER_MS;

export interface RotatedKey {
  kid: string;
  generation: number;
  activatesAt: string;
  /** Keys deleted because every token they signed has expired. */
  deletedKids: string[];
}

export class SigningKeyRotationConflict extends Error {}

/**
 * Rotates the token-signing key without downtime: the new key is published at once and signs
 * from `activatesAt`; the old one keeps being published until its last tokens expire, then a
 * later rotation deletes it. Two rotations racing get distinct generations or one fails.
 */
@Injectable()
export class RotateSigningKeyUseCase {
  constructor(
    private readonly keys: SigningKeyRepository,
    private readonly cache: SigningKeyCache,
    @Inject(BERTH_LOGGER) private readonly logger: Pick<BerthLogger, 'info'>,
  ) {}

  async execute(publishAheadMs: number = KEY_PUBLISH_AHEAD_MS): Promise<RotatedKey> {
    const now = Date.now();
    const rows = await this.keys.findAll();
    const generation = (rows[0]?.generation ?? 0) + 1;
    const candidate = generateSigningKey();
    const activatesAt = new Date(now + publishAheadMs).toISOString();
    const inserted = await this.keys.insertIfGenerationFree({
      kid: candidate.kid,
      generation,
      algorithm: JWT_ALGORITHM,
      privateJwk: JSON.stringify(exportPrivateJwk(candidate)),
      createdAt: new Date(now).toISOString(),
      activatesAt,
    });
    if (!inserted) {
      throw new SigningKeyRotationConflict('another rotation took the same generation; run again');
    }
    const deletedKids: string[] = [];
    if (rows.length > 0) {
      const { retired } = keySchedule(
        rows.map((r) => ({ ...r, activatesAt: r.activatesAt ?? r.createdAt })),
        now,
        this.cache.tokenLifetimeMs,
      );
      for (const key of retired) {
        await this.keys.delete(key.kid);
        deletedKids.push(key.kid);
      }
    }
    this.cache.invalidate();
    this.logger.info(
      { kid: candidate.kid, generation, activatesAt, deletedKids },
      'rotated the token signing key',
    );
    return { kid: candidate.kid, generation, activatesAt, deletedKids };
  }
}
