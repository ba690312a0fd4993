import { z } from 'zod';

const artifactRef = {
  project: z.string().min(1),
  repository: z.string().min(1),
  digest: z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/),
  mediaType: z.string().min(1),
  tag: z.string().optional(),
  operator: z.string().optional(),
};

export const artifactPushedV1 = z.object({ ...artifactRef, size: z.number().int().nonnegative() });
export const artifactPulledV1 = z.object(artifactRef);
export const artifactDeletedV1 = z.object(artifactRef);
