import type { z } from 'zod';
import {
  artifactDeletedV1,
  artifactPulledV1,
  artifactPushedV1,
  tagCreatedV1,
  tagDeletedV1,
} from './artifact/artifact.events';
import { systemInitializedV1 } from './system/system.events';

/** One map from event type to its current payload schema; producers and consumers share it. */
export const eventSchemas = {
  'artifact.pushed': artifactPushedV1,
  'artifact.pulled': artifactPulledV1,
  'artifact.deleted': artifactDeletedV1,
  'tag.created': tagCreatedV1,
  'tag.deleted': tagDeletedV1,
  'system.initialized': systemInitializedV1,
} as const;

export type EventType = keyof typeof eventSchemas;
export type EventMap = { [K in EventType]: z.infer<(typeof eventSchemas)[K]> };
export const EVENT_VERSION = 1;
