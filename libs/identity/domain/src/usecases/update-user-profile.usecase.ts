import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { OutboxWriter } from '@berth/platform/messaging';
import { actorOf } from '../audit';
import { IdentityError } from '../identity.errors';
import type { Principal } from '../principal';
import { UserRepository, type UserPatch } from '../user.repository';
import { commentError, emailError, realnameError } from '../user-validation';
import { badRequest, notFound, requireSelfOrSysadmin } from './actor';
import { userUpdated } from './user-events';

/** Harbor's `UserProfile`: the only fields a profile update changes. */
export interface UserProfile {
  email?: string;
  realname?: string;
  comment?: string;
}

/**
 * Picks the profile fields out of a request body. Everything else (`sysadmin_flag`,
 * `has_admin_role`, `username`, `password`…) is ignored, as Harbor does, so a body copied from
 * GET can be sent back, and no field in it can raise anyone's role.
 */
export function profileFromBody(body: unknown): UserProfile {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new IdentityError('BAD_REQUEST', 'expected a JSON object');
  }
  const record = body as Record<string, unknown>;
  const profile: UserProfile = {};
  for (const field of ['email', 'realname', 'comment'] as const) {
    const value = record[field];
    if (value === undefined) continue;
    if (typeof value !== 'string')
      throw new IdentityError('BAD_REQUEST', `${field} must be a string`);
    profile[field] = value;
  }
  return profile;
}

/** A user updates their own profile, or a system admin anyone's. */
@Injectable()
export class UpdateUserProfileUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    id: number,
    profile: UserProfile,
    audit: Actor = actorOf(actor),
  ): Promise<void> {
    requireSelfOrSysadmin(actor, id);
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    const patch: UserPatch = {};
    if (profile.email !== undefined && profile.email !== user.email) {
      badRequest(emailError(profile.email));
      const holder = await this.users.findByEmail(profile.email);
      if (holder && holder.id !== id) throw new IdentityError('CONFLICT', 'email is already taken');
      patch.email = profile.email;
    }
    if (profile.realname !== undefined && profile.realname !== user.realname) {
      badRequest(realnameError(profile.realname));
      patch.realname = profile.realname;
    }
    if (profile.comment !== undefined && profile.comment !== user.comment) {
      badRequest(commentError(profile.comment));
      patch.comment = profile.comment;
    }
    const changes = Object.keys(patch);
    if (changes.length === 0) return;
    await this.dataSource.transaction(async (em) => {
      await this.users.update(id, patch, em);
      await this.outbox.append(em, userUpdated(audit, user, changes));
    });
  }
}
