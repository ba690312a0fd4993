import { runService } from '@berth/platform/runtime';
import { SignerFeatureModule } from '@berth/signer/feature';

runService({ name: 'signer', features: [SignerFeatureModule] });
