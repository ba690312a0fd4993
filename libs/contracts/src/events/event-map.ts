import type { z } from 'zod';
import {
  artifactDeletedV1,
  artifactPulledV1,
  artifactPushedV1,
  tagCreatedV1,
  tagDeletedV1,
} from './artifact/artifact.events';
import {
  loginEndedV1,
  loginFailedV1,
  loginSucceededV1,
  robotCreatedV1,
  robotDeletedV1,
  robotUpdatedV1,
  userCreatedV1,
  userDeletedV1,
  userUpdatedV1,
} from './identity/identity.events';
import {
  memberAddedV1,
  memberRemovedV1,
  memberUpdatedV1,
  projectCreatedV1,
  projectDeletedV1,
  projectUpdatedV1,
} from './project/project.events';
import { scanCompletedV1, scanFailedV1, scanRequestedV1 } from './scan/scan.events';
import { configChangedV1, systemInitializedV1 } from './system/system.events';

/** One map from event type to its current payload schema; producers and consumers share it. */
export const eventSchemas = {
  'artifact.pushed': artifactPushedV1,
  'artifact.pulled': artifactPulledV1,
  'artifact.deleted': artifactDeletedV1,
  'tag.created': tagCreatedV1,
  'tag.deleted': tagDeletedV1,
  'project.created': projectCreatedV1,
  'project.updated': projectUpdatedV1,
  'project.deleted': projectDeletedV1,
  'member.added': memberAddedV1,
  'member.updated': memberUpdatedV1,
  'member.removed': memberRemovedV1,
  'user.created': userCreatedV1,
  'user.updated': userUpdatedV1,
  'user.deleted': userDeletedV1,
  'robot.created': robotCreatedV1,
  'robot.updated': robotUpdatedV1,
  'robot.deleted': robotDeletedV1,
  'login.succeeded': loginSucceededV1,
  'login.failed': loginFailedV1,
  'login.ended': loginEndedV1,
  'scan.requested': scanRequestedV1,
  'scan.completed': scanCompletedV1,
  'scan.failed': scanFailedV1,
  'config.changed': configChangedV1,
  'system.initialized': systemInitializedV1,
} as const;

export type EventType = keyof typeof eventSchemas;
export type EventMap = { [K in EventType]: z.infer<(typeof eventSchemas)[K]> };
export const EVENT_VERSION = 1;
