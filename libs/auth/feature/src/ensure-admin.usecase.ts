import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { SystemSettingRepository } from '@berth/platform/database';
import { BERTH_LOGGER, type BerthLogger } from '@berth/platform/observability';
import { hashPassword, verifyPassword } from './password-hash';

export const ADMIN_PASSWORD_HASH_KEY = 'admin.password_hash';
export const ADMIN_PASSWORD_FILE = 'admin-password';

/**
 * Makes sure the `admin` account has a password: the configured one, or on first start a
 * generated one written to `<data dir>/admin-password` (mode 0600) for the operator to read.
 */
@Injectable()
export class EnsureAdminUseCase implements OnApplicationBootstrap {
  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly settings: SystemSettingRepository,
    @Inject(BERTH_LOGGER) private readonly logger: BerthLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.execute();
  }

  async execute(): Promise<void> {
    const configured = this.config.adminPassword;
    if (configured) {
      const stored = await this.settings.get(ADMIN_PASSWORD_HASH_KEY);
      if (!stored || !(await verifyPassword(configured, stored))) {
        await this.settings.set(ADMIN_PASSWORD_HASH_KEY, await hashPassword(configured));
      }
      return;
    }
    const candidate = randomBytes(18).toString('base64url');
    const candidateHash = await hashPassword(candidate);
    const stored = await this.settings.getOrCreate(ADMIN_PASSWORD_HASH_KEY, () => candidateHash);
    if (stored !== candidateHash) return; // set on an earlier start, or by another replica
    const file = path.join(this.config.dataDir, ADMIN_PASSWORD_FILE);
    await fs.mkdir(this.config.dataDir, { recursive: true });
    await fs.writeFile(file, `${candidate}\n`, { mode: 0o600 });
    await fs.chmod(file, 0o600);
    this.logger.warn({ file }, `generated the admin password; it is in ${file}`);
  }
}
