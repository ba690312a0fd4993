import { Injectable } from '@nestjs/common';
import { SystemSettingRepository } from '@berth/platform/database';
import { ADMIN_PASSWORD_HASH_KEY } from '../ensure-admin.usecase';
import { verifyPassword } from '../password-hash';
import type { Principal } from './principal';
import type { Credentials } from './token-request';

const ADMIN_USERNAME = 'admin';
// Verified when no hash is stored, so an unknown state costs the same time as a wrong password.
const DUMMY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Checks Basic/OAuth2 credentials; the only account today is `admin`. */
@Injectable()
export class AuthenticateAdminUseCase {
  constructor(private readonly settings: SystemSettingRepository) {}

  /** The principal for these credentials, or undefined when they are wrong. */
  async execute(credentials: Credentials): Promise<Principal | undefined> {
    const stored = await this.settings.get(ADMIN_PASSWORD_HASH_KEY);
    // Always pay for one scrypt, so a wrong username answers as slowly as a wrong password.
    const passwordOk = await verifyPassword(credentials.password, stored ?? DUMMY_HASH);
    const userOk = credentials.username === ADMIN_USERNAME;
    return stored !== undefined && passwordOk && userOk
      ? { kind: 'admin', subject: ADMIN_USERNAME }
      : undefined;
  }
}
