import type { RobotPrincipal } from '../principal';
import type { RobotEntity } from './robot.entity';
import { isExpired } from './robot-expiry';

/** Whether the robot may authenticate at all: neither disabled nor expired. */
export function robotIsActive(robot: RobotEntity, now: Date): boolean {
  return !robot.disabled && !isExpired(robot.expiresAt, now);
}

export function robotPrincipalOf(robot: RobotEntity): RobotPrincipal {
  return {
    kind: 'robot',
    id: robot.id,
    name: robot.name,
    level: robot.level,
    ...(robot.projectId !== null && { projectId: robot.projectId }),
    permissions: robot.permissions,
  };
}
