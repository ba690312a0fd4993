import type { Actor, EventEnvelope } from '@berth/contracts';
import { createEvent } from '@berth/platform/messaging';
import { IDENTITY_EVENT_SOURCE } from '../audit';
import type { RobotEntity } from './robot.entity';

/** A robot as its events name it; `project` is the project's name for a project robot. */
export interface RobotRef {
  robot: Pick<RobotEntity, 'id' | 'name'>;
  project?: string;
}

const refOf = (actor: Actor, { robot, project }: RobotRef) => ({
  ...actor,
  robotId: robot.id,
  robot: robot.name,
  ...(project === undefined ? {} : { project }),
});

export function robotCreated(actor: Actor, ref: RobotRef): EventEnvelope {
  return createEvent('robot.created', refOf(actor, ref), IDENTITY_EVENT_SOURCE);
}

/** `changes` names what changed (`description`, `disable`, `duration`, `permissions`, `secret`), never a value. */
export function robotUpdated(actor: Actor, ref: RobotRef, changes: string[]): EventEnvelope {
  return createEvent('robot.updated', { ...refOf(actor, ref), changes }, IDENTITY_EVENT_SOURCE);
}

export function robotDeleted(actor: Actor, ref: RobotRef): EventEnvelope {
  return createEvent('robot.deleted', refOf(actor, ref), IDENTITY_EVENT_SOURCE);
}
