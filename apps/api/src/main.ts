import { runService } from '@berth/platform/runtime';
import { ApiFeatureModule } from '@berth/api/feature';

runService({ name: 'api', features: [ApiFeatureModule] });
