import { runService } from '@berth/platform/runtime';
import { RegistryFeatureModule } from '@berth/registry/feature';

runService({ name: 'registry', features: [RegistryFeatureModule] });
