import type { RobotEntity, RobotPermission } from '@berth/identity/domain';

/** Harbor's `Robot`; the secret is never part of it. */
export interface RobotResp {
  id: number;
  name: string;
  description: string;
  level: string;
  duration: number;
  disable: boolean;
  expires_at: number;
  editable: boolean;
  permissions: RobotPermission[];
  creation_time: string;
  update_time: string;
}

/** Harbor's `RobotCreated`: the one answer (with the secret refresh) that carries the secret. */
export interface RobotCreatedResp {
  id: number;
  name: string;
  secret: string;
  creation_time: string;
  expires_at: number;
}

export function toRobotResp(robot: RobotEntity): RobotResp {
  return {
    id: robot.id,
    name: robot.name,
    description: robot.description,
    level: robot.level,
    duration: robot.duration,
    disable: robot.disabled,
    expires_at: robot.expiresAt,
    editable: true,
    permissions: robot.permissions,
    creation_time: robot.creationTime,
    update_time: robot.updateTime,
  };
}
