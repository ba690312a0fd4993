import type { RobotLevel } from './robot-permission';

/** Every robot's full name starts with this; user names may not contain `$`, so none collide. */
export const ROBOT_PREFIX = 'robot$';

// Harbor's rule for the chosen part of a robot name.
const ROBOT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** An error message for the chosen name, or undefined when it is valid. */
export function robotNameError(name: string): string | undefined {
  if (name.length < 1 || name.length > 128) return 'robot name must be 1 to 128 characters';
  if (!ROBOT_NAME.test(name))
    return 'robot name must be lower case letters and digits, separated by one of . _ -';
  return undefined;
}

/** `robot$<name>` for system robots, `robot$<project>+<name>` for project robots. */
export function fullRobotName(level: RobotLevel, name: string, projectName?: string): string {
  return level === 'system' ? `${ROBOT_PREFIX}${name}` : `${ROBOT_PREFIX}${projectName}+${name}`;
}

export function isRobotName(username: string): boolean {
  return username.startsWith(ROBOT_PREFIX);
}
