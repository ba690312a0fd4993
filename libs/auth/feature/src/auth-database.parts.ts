import type { DataSourceParts } from '@berth/platform/database';
import { AuthSigningKey1764000003000 } from './migrations/1764000003000-auth-signing-key';
import { AuthRefreshToken1764000020000 } from './migrations/1764000020000-auth-refresh-token';
import { RefreshTokenEntity } from './refresh-tokens/refresh-token.entity';
import { SigningKeyEntity } from './signing-keys/signing-key.entity';

/** The token service's tables; add them to the app's `databaseParts`. */
export const authDatabaseParts: DataSourceParts = {
  entities: [SigningKeyEntity, RefreshTokenEntity],
  migrations: [AuthSigningKey1764000003000, AuthRefreshToken1764000020000],
};
