import { runService } from '@berth/platform/runtime';
import { AuthFeatureModule } from '@berth/auth/feature';

runService({ name: 'auth', features: [AuthFeatureModule] });
