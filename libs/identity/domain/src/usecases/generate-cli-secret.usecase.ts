import { Injectable } from '@nestjs/common';
import type { Principal } from '../principal';
import { hashSecret, randomSecret } from '../secret';
import { UserRepository } from '../user.repository';
import { notFound, requireSelfOrSysadmin } from './actor';

/**
 * Generates (or replaces) a user's CLI secret: 32 random characters, returned this once and
 * stored as a SHA-256. It works as the password for `docker login` and Basic auth, not for the portal.
 */
@Injectable()
export class GenerateCliSecretUseCase {
  constructor(private readonly users: UserRepository) {}

  async execute(actor: Principal, id: number): Promise<string> {
    requireSelfOrSysadmin(actor, id);
    if (!(await this.users.findById(id))) throw notFound();
    const secret = randomSecret(32);
    await this.users.update(id, { cliSecretHash: hashSecret(secret) });
    return secret;
  }
}
