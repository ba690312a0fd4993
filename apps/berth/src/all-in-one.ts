import type { ServiceDefinition } from '@berth/platform/runtime';
import { ApiFeatureModule } from '@berth/api/feature';
import { AuthFeatureModule, authDatabaseParts } from '@berth/auth/feature';
import { identityDatabaseParts } from '@berth/identity/domain';
import { notificationsDatabaseParts } from '@berth/notifications/domain';
import { NotifierFeatureModule } from '@berth/notifier/feature';
import { PortalFeatureModule } from '@berth/portal/feature';
import { projectsDatabaseParts } from '@berth/projects/domain';
import { registryDatabaseParts } from '@berth/registry/domain';
import { RegistryFeatureModule } from '@berth/registry/feature';
import { ReplicatorFeatureModule } from '@berth/replicator/feature';
import { ScannerFeatureModule } from '@berth/scanner/feature';
import { scanningDatabaseParts } from '@berth/scanning/domain';
import { SignerFeatureModule } from '@berth/signer/feature';

/** Every service module in one process: the same modules the distributed apps mount one by one. */
export const allInOne: ServiceDefinition = {
  name: 'berth',
  features: [
    RegistryFeatureModule,
    AuthFeatureModule,
    ApiFeatureModule,
    ScannerFeatureModule,
    SignerFeatureModule,
    ReplicatorFeatureModule,
    NotifierFeatureModule,
    PortalFeatureModule,
  ],
  databaseParts: [
    authDatabaseParts,
    identityDatabaseParts,
    projectsDatabaseParts,
    registryDatabaseParts,
    notificationsDatabaseParts,
    scanningDatabaseParts,
  ],
};
