import { hashSecret, type RobotEntity, type UserEntity } from '@berth/identity/domain';

/**
 * What a refresh token remembers of the credentials it was issued under: when the password,
 * the CLI secret or a robot's secret changes, the stamp differs and the token is void. Works
 * on every replica and for every path that changes credentials, with no revocation list.
 */
export function userCredentialStamp(user: UserEntity): string {
  return hashSecret(`user\n${user.id}\n${user.passwordHash ?? ''}\n${user.cliSecretHash ?? ''}`);
}

export function robotCredentialStamp(robot: RobotEntity): string {
  return hashSecret(`robot\n${robot.id}\n${robot.secretHash}`);
}
