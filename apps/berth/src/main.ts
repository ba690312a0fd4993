import { runService } from '@berth/platform/runtime';
import { allInOne } from './all-in-one';

runService(allInOne);
