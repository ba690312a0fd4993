import { Injectable } from '@nestjs/common';
import type { Principal } from '../principal';
import { hashSecret } from '../secret';
import { UserRepository } from '../user.repository';
import { cliSecretError } from '../user-validation';
import { badRequest, notFound, requireSelfOrSysadmin } from './actor';

/**
 * Sets a user's CLI secret to one the caller chose (Harbor's `PUT /users/{id}/cli_secret`),
 * held to Harbor's rule for secrets. GenerateCliSecretUseCase picks one instead.
 */
@Injectable()
export class SetCliSecretUseCase {
  constructor(private readonly users: UserRepository) {}

  async execute(actor: Principal, id: number, secret: string): Promise<void> {
    requireSelfOrSysadmin(actor, id);
    if (!(await this.users.findById(id))) throw notFound();
    badRequest(cliSecretError(secret));
    await this.users.update(id, { cliSecretHash: hashSecret(secret) });
  }
}
