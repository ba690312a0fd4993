import { runService } from '@berth/platform/runtime';
import { ApiFeatureModule } from '@berth/api/feature';
import { identityDatabaseParts } from '@berth/identity/domain';
import { notificationsDatabaseParts } from '@berth/notifications/domain';
import { projectsDatabaseParts } from '@berth/projects/domain';
import { scanningDatabaseParts } from '@berth/scanning/domain';

runService({
  name: 'api',
  features: [ApiFeatureModule],
  databaseParts: [
    identityDatabaseParts,
    projectsDatabaseParts,
    notificationsDatabaseParts,
    scanningDatabaseParts,
  ],
});
