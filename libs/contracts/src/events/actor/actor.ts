import { z } from 'zod';

/**
 * Who did it and from where, on every event the audit log records: the user's or robot's name
 * (`anonymous` for an unauthenticated pull) and the client's address as the server saw it.
 */
export const actorFields = {
  operator: z.string().min(1).max(255),
  sourceAddress: z.string().max(64).optional(),
};
export const actorSchema = z.object(actorFields);
export type Actor = z.infer<typeof actorSchema>;
