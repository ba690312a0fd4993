import type { Actor, EventEnvelope } from '@berth/contracts';
import { createEvent } from '@berth/platform/messaging';
import { IDENTITY_EVENT_SOURCE } from '../audit';
import type { UserEntity } from '../user.entity';

type UserRef = Pick<UserEntity, 'id' | 'username'>;

export function userCreated(actor: Actor, user: UserRef): EventEnvelope {
  return createEvent(
    'user.created',
    { ...actor, userId: user.id, username: user.username },
    IDENTITY_EVENT_SOURCE,
  );
}

/** `changes` names the fields (`password`, `cli_secret`, `sysadmin`, `email`…), never their values. */
export function userUpdated(actor: Actor, user: UserRef, changes: string[]): EventEnvelope {
  return createEvent(
    'user.updated',
    { ...actor, userId: user.id, username: user.username, changes },
    IDENTITY_EVENT_SOURCE,
  );
}

/** Names the user as it was before the deletion renamed it. */
export function userDeleted(actor: Actor, user: UserRef): EventEnvelope {
  return createEvent(
    'user.deleted',
    { ...actor, userId: user.id, username: user.username },
    IDENTITY_EVENT_SOURCE,
  );
}
