import { runService } from '@berth/platform/runtime';
import { projectsDatabaseParts } from '@berth/projects/domain';
import { registryDatabaseParts } from '@berth/registry/domain';
import { RegistryFeatureModule } from '@berth/registry/feature';

runService({
  name: 'registry',
  features: [RegistryFeatureModule],
  databaseParts: [projectsDatabaseParts, registryDatabaseParts],
});
