import { runMigrateCommand } from '@berth/platform/runtime';
import { allInOne } from './all-in-one';

runMigrateCommand([allInOne], process.env).then((code) => process.exit(code));
