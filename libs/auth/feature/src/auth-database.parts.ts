import type { DataSourceParts } from '@berth/platform/database';
import { AuthSigningKey1764000003000 } from './migrations/1764000003000-auth-signing-key';
import { SigningKeyEntity } from './signing-keys/signing-key.entity';

/** The token service's tables; add them to the app's `databaseParts`. */
export const authDatabaseParts: DataSourceParts = {
  entities: [SigningKeyEntity],
  migrations: [AuthSigningKey1764000003000],
};
