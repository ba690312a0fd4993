import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { hashPassword, UserRepository, verifyPassword } from '@berth/identity/domain';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { BERTH_LOGGER, type BerthLogger } from '@berth/platform/observability';

/** The `admin` account: user 1, created by the user-table migration. */
export const ADMIN_USER_ID = 1;
export const ADMIN_PASSWORD_FILE = 'admin-password';

/**
 * Makes sure the `admin` account has a password: the configured one, or on first start a
 * generated one written to `<data dir>/admin-password` (mode 0600) for the operator to read.
 * Neither has to meet the password policy for users: the operator chose or generated it.
 */
@Injectable()
export class EnsureAdminUseCase implements OnApplicationBootstrap {
  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly users: UserRepository,
    @Inject(BERTH_LOGGER) private readonly logger: BerthLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.execute();
  }

  async execute(): Promise<void> {
    const admin = await this.users.findById(ADMIN_USER_ID);
    if (!admin) {
      this.logger.warn('the admin account (user 1) is deleted; not setting its password');
      return;
    }
    const configured = this.config.adminPassword;
    if (configured) {
      if (!admin.passwordHash || !(await verifyPassword(configured, admin.passwordHash))) {
        await this.users.update(ADMIN_USER_ID, { passwordHash: await hashPassword(configured) });
      }
      return;
    }
    if (admin.passwordHash) return;
    const candidate = randomBytes(18).toString('base64url');
    // Only the replica whose conditional update lands writes the file.
    if (!(await this.users.setPasswordHashIfUnset(ADMIN_USER_ID, await hashPassword(candidate)))) {
      return;
    }
    const file = path.join(this.config.dataDir, ADMIN_PASSWORD_FILE);
    await fs.mkdir(this.config.dataDir, { recursive: true });
    await fs.writeFile(file, `${candidate}\n`, { mode: 0o600 });
    await fs.chmod(file, 0o600);
    this.logger.warn({ file }, `generated the admin password; it is in ${file}`);
  }
}
