import { z } from 'zod';

/** Emitted once when an instance initialises its database for the first time. */
export const systemInitializedV1 = z.object({ instanceId: z.string().uuid() });
