import type { DataSourceParts } from '@berth/platform/database';
import { Outbox1764000000100 } from './migrations/1764000000100-outbox';
import { OutboxEventEntity } from './outbox/outbox-event.entity';

/** The messaging tables (the outbox); add them to the app's DatabaseModule parts. */
export const messagingDatabaseParts: DataSourceParts = {
  entities: [OutboxEventEntity],
  migrations: [Outbox1764000000100],
};
