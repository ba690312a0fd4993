import { z } from 'zod';
import { actorFields } from '../actor/actor';

/** Emitted once when an instance initialises its database for the first time. */
export const systemInitializedV1 = z.object({ instanceId: z.string().uuid() });

/** System configuration changed through `/api/v2.0/configurations`: the keys, never the values. */
export const configChangedV1 = z.object({
  ...actorFields,
  keys: z.array(z.string().min(1)).min(1),
});
