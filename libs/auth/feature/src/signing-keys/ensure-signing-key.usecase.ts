import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JWT_ALGORITHM, exportPrivateJwk, generateSigningKey } from '@berth/platform/jwt';
import { BERTH_LOGGER, type BerthLogger } from '@berth/platform/observability';
import { SigningKeyRepository } from './signing-key.repository';

/**
 * Gives the token service a signing key on its first start. Replicas starting together each
 * propose a key for generation 1; the unique generation lets exactly one proposal in.
 */
@Injectable()
export class EnsureSigningKeyUseCase implements OnApplicationBootstrap {
  constructor(
    private readonly keys: SigningKeyRepository,
    @Inject(BERTH_LOGGER) private readonly logger: BerthLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.execute();
  }

  async execute(): Promise<void> {
    if ((await this.keys.findAll()).length > 0) return;
    const candidate = generateSigningKey();
    const now = new Date().toISOString();
    const inserted = await this.keys.insertIfGenerationFree({
      kid: candidate.kid,
      generation: 1,
      algorithm: JWT_ALGORITHM,
      privateJwk: JSON.stringify(exportPrivateJwk(candidate)),
      createdAt: now,
      activatesAt: now,
    });
    if (inserted) this.logger.info({ kid: candidate.kid }, 'generated the token signing key');
  }
}
