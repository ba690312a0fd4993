import { z } from 'zod';

const artifactRef = {
  project: z.string().min(1),
  repository: z.string().min(1),
  digest: z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/),
  mediaType: z.string().min(1),
  tag: z.string().optional(),
  operator: z.string().optional(),
  sourceAddress: z.string().max(64).optional(),
};

export const artifactPushedV1 = z.object({ ...artifactRef, size: z.number().int().nonnegative() });
export const artifactPulledV1 = z.object(artifactRef);
export const artifactDeletedV1 = z.object(artifactRef);

/** A tag added to or removed from an artifact by itself (through the management API). */
const tagRef = { ...artifactRef, tag: z.string().min(1) };
export const tagCreatedV1 = z.object(tagRef);
export const tagDeletedV1 = z.object(tagRef);
