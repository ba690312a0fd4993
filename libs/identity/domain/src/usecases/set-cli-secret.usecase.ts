import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { OutboxWriter } from '@berth/platform/messaging';
import { actorOf } from '../audit';
import type { Principal } from '../principal';
import { hashSecret } from '../secret';
import { UserRepository } from '../user.repository';
import { cliSecretError } from '../user-validation';
import { badRequest, notFound, requireSelfOrSysadmin } from './actor';
import { userUpdated } from './user-events';

/**
 * Sets a user's CLI secret to one the caller chose (Harbor's `PUT /users/{id}/cli_secret`),
 * held to Harbor's rule for secrets. GenerateCliSecretUseCase picks one instead.
 */
@Injectable()
export class SetCliSecretUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    id: number,
    secret: string,
    audit: Actor = actorOf(actor),
  ): Promise<void> {
    requireSelfOrSysadmin(actor, id);
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    badRequest(cliSecretError(secret));
    await this.dataSource.transaction(async (em) => {
      await this.users.update(id, { cliSecretHash: hashSecret(secret) }, em);
      await this.outbox.append(em, userUpdated(audit, user, ['cli_secret']));
    });
  }
}
