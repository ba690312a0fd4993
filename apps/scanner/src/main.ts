import { runService } from '@berth/platform/runtime';
import { ScannerFeatureModule } from '@berth/scanner/feature';

runService({ name: 'scanner', features: [ScannerFeatureModule] });
