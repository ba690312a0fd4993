import type { DataSourceParts } from '@berth/platform/database';
import { User1764000004000 } from './migrations/1764000004000-user';
import { Robot1764000011000 } from './migrations/1764000011000-robot';
import { RobotEntity } from './robots/robot.entity';
import { UserSessionEntity } from './user-session.entity';
import { UserEntity } from './user.entity';

/** Users, sessions and robot accounts; add them to the `databaseParts` of every app that authenticates people. */
export const identityDatabaseParts: DataSourceParts = {
  entities: [UserEntity, UserSessionEntity, RobotEntity],
  migrations: [User1764000004000, Robot1764000011000],
};
