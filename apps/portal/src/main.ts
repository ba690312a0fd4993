import { runService } from '@berth/platform/runtime';
import { PortalFeatureModule } from '@berth/portal/feature';

runService({ name: 'portal', features: [PortalFeatureModule] });
