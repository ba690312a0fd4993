import { runService } from '@berth/platform/runtime';
import { identityDatabaseParts } from '@berth/identity/domain';
import { notificationsDatabaseParts } from '@berth/notifications/domain';
import { NotifierFeatureModule } from '@berth/notifier/feature';
import { projectsDatabaseParts } from '@berth/projects/domain';

runService({
  name: 'notifier',
  features: [NotifierFeatureModule],
  databaseParts: [identityDatabaseParts, projectsDatabaseParts, notificationsDatabaseParts],
});
