import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { OutboxWriter } from '@berth/platform/messaging';
import { actorOf } from '../audit';
import { IdentityError } from '../identity.errors';
import { hashPassword } from '../password-hash';
import type { Principal } from '../principal';
import type { UserEntity } from '../user.entity';
import { UserRepository } from '../user.repository';
import {
  commentError,
  emailError,
  passwordError,
  realnameError,
  usernameError,
} from '../user-validation';
import { badRequest, requireSysadmin } from './actor';
import { userCreated } from './user-events';

export interface CreateUserCommand {
  username: string;
  email: string;
  password: string;
  realname?: string;
  comment?: string;
}

/** A system admin adds a local user. Self-registration is off: nobody else may. New users are never admins. */
@Injectable()
export class CreateUserUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    command: CreateUserCommand,
    audit: Actor = actorOf(actor),
  ): Promise<UserEntity> {
    requireSysadmin(actor); // self-registration is off: anonymous callers get 401, users 403
    const realname = command.realname ?? '';
    const comment = command.comment ?? '';
    badRequest(usernameError(command.username));
    badRequest(emailError(command.email));
    badRequest(realnameError(realname));
    badRequest(commentError(comment));
    badRequest(passwordError(command.password));
    if (await this.users.findByUsername(command.username)) {
      throw new IdentityError('CONFLICT', `username ${command.username} is already taken`);
    }
    if (await this.users.findByEmail(command.email)) {
      throw new IdentityError('CONFLICT', 'email is already taken');
    }
    const passwordHash = await hashPassword(command.password);
    return this.dataSource.transaction(async (em) => {
      const user = await this.users.create(
        {
          username: command.username,
          email: command.email,
          realname,
          comment,
          passwordHash,
          sysadmin: false,
        },
        em,
      );
      await this.outbox.append(em, userCreated(audit, user));
      return user;
    });
  }
}
