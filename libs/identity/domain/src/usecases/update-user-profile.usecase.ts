import { Injectable } from '@nestjs/common';
import { IdentityError } from '../identity.errors';
import type { Principal } from '../principal';
import { UserRepository, type UserPatch } from '../user.repository';
import { commentError, emailError, realnameError } from '../user-validation';
import { badRequest, notFound, requireSelfOrSysadmin } from './actor';

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
  constructor(private readonly users: UserRepository) {}

  async execute(actor: Principal, id: number, profile: UserProfile): Promise<void> {
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
    if (profile.realname !== undefined) {
      badRequest(realnameError(profile.realname));
      patch.realname = profile.realname;
    }
    if (profile.comment !== undefined) {
      badRequest(commentError(profile.comment));
      patch.comment = profile.comment;
    }
    if (Object.keys(patch).length > 0) await this.users.update(id, patch);
  }
}
