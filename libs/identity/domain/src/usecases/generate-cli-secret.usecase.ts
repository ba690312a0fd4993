import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { OutboxWriter } from '@berth/platform/messaging';
import { actorOf } from '../audit';
import type { Principal } from '../principal';
import { hashSecret, randomSecret } from '../secret';
import { UserRepository } from '../user.repository';
import { notFound, requireSelfOrSysadmin } from './actor';
import { userUpdated } from './user-events';

/**
 * Generates (or replaces) a user's CLI secret: 32 random characters, returned this once and
 * stored as a SHA-256. It works as the password for `docker login` and Basic auth, not for the portal.
 */
@Injectable()
export class GenerateCliSecretUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(actor: Principal, id: number, audit: Actor = actorOf(actor)): Promise<string> {
    requireSelfOrSysadmin(actor, id);
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    const secret = randomSecret(32);
    await this.dataSource.transaction(async (em) => {
      await this.users.update(id, { cliSecretHash: hashSecret(secret) }, em);
      await this.outbox.append(em, userUpdated(audit, user, ['cli_secret']));
    });
    return secret;
  }
}
