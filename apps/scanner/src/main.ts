import { runService } from '@berth/platform/runtime';
import { identityDatabaseParts } from '@berth/identity/domain';
import { projectsDatabaseParts } from '@berth/projects/domain';
import { ScannerFeatureModule } from '@berth/scanner/feature';
import { scanningDatabaseParts } from '@berth/scanning/domain';

runService({
  name: 'scanner',
  features: [ScannerFeatureModule],
  databaseParts: [identityDatabaseParts, projectsDatabaseParts, scanningDatabaseParts],
});
