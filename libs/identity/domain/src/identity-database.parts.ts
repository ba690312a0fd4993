import type { DataSourceParts } from '@berth/platform/database';
import { User1764000004000 } from './migrations/1764000004000-user';
import { UserSessionEntity } from './user-session.entity';
import { UserEntity } from './user.entity';

/** Users and sessions; add them to the `databaseParts` of every app that authenticates people. */
export const identityDatabaseParts: DataSourceParts = {
  entities: [UserEntity, UserSessionEntity],
  migrations: [User1764000004000],
};
