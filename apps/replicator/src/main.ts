import { runService } from '@berth/platform/runtime';
import { ReplicatorFeatureModule } from '@berth/replicator/feature';

runService({ name: 'replicator', features: [ReplicatorFeatureModule] });
