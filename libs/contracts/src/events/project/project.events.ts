import { z } from 'zod';
import { actorFields } from '../actor/actor';

const projectRef = {
  ...actorFields,
  projectId: z.number().int().positive(),
  project: z.string().min(1),
};

export const projectCreatedV1 = z.object({ ...projectRef, public: z.boolean() });
/** `changes` names what changed (metadata keys, `description`), never values. */
export const projectUpdatedV1 = z.object({ ...projectRef, changes: z.array(z.string()) });
export const projectDeletedV1 = z.object(projectRef);

/** A project member: a user (by name) or a group; `role` is Harbor's role name. */
const memberRef = {
  ...projectRef,
  memberId: z.number().int().positive(),
  member: z.string().min(1),
  memberKind: z.enum(['user', 'group']),
};
export const memberAddedV1 = z.object({ ...memberRef, role: z.string().min(1) });
export const memberUpdatedV1 = z.object({ ...memberRef, role: z.string().min(1) });
export const memberRemovedV1 = z.object(memberRef);
