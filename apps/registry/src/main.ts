import { runService } from '@berth/platform/runtime';
import { projectsDatabaseParts } from '@berth/projects/domain';
import { registryDatabaseParts } from '@berth/registry/domain';
import { RegistryFeatureModule, TokenProxyModule } from '@berth/registry/feature';

runService({
  name: 'registry',
  // The token endpoint is the auth app's; the proxy serves it on the registry's origin too.
  features: [RegistryFeatureModule, TokenProxyModule],
  databaseParts: [projectsDatabaseParts, registryDatabaseParts],
});
