import { runService } from '@berth/platform/runtime';
import { NotifierFeatureModule } from '@berth/notifier/feature';

runService({ name: 'notifier', features: [NotifierFeatureModule] });
