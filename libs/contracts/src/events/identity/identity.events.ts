import { z } from 'zod';
import { actorFields } from '../actor/actor';

const userRef = {
  ...actorFields,
  userId: z.number().int().positive(),
  username: z.string().min(1),
};
export const userCreatedV1 = z.object(userRef);
/** `changes` names what changed (`password`, `cli_secret`, `sysadmin`, `profile`), never the values. */
export const userUpdatedV1 = z.object({ ...userRef, changes: z.array(z.string()) });
export const userDeletedV1 = z.object(userRef);

/** A robot account, system level (`project` absent) or of one project. */
const robotRef = {
  ...actorFields,
  robotId: z.number().int().positive(),
  robot: z.string().min(1),
  project: z.string().min(1).optional(),
};
export const robotCreatedV1 = z.object(robotRef);
export const robotUpdatedV1 = z.object({ ...robotRef, changes: z.array(z.string()) });
export const robotDeletedV1 = z.object(robotRef);

/**
 * A sign-in attempt at any door (portal session, token service, Basic on the API). `operator`
 * is the name that was given; `reason` says why a failure failed, in words safe to show.
 */
const loginRef = {
  ...actorFields,
  method: z.enum(['session', 'token', 'basic']),
};
export const loginSucceededV1 = z.object(loginRef);
export const loginFailedV1 = z.object({ ...loginRef, reason: z.string().min(1).max(200) });
/** A portal session ended by its user (logout). */
export const loginEndedV1 = z.object(actorFields);
