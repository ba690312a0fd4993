import { runService } from '@berth/platform/runtime';
import { AuthFeatureModule, authDatabaseParts } from '@berth/auth/feature';
import { identityDatabaseParts } from '@berth/identity/domain';
import { projectsDatabaseParts } from '@berth/projects/domain';

runService({
  name: 'auth',
  features: [AuthFeatureModule],
  databaseParts: [authDatabaseParts, identityDatabaseParts, projectsDatabaseParts],
});
