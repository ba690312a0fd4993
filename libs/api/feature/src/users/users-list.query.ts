import type { ListQuerySpec } from '@berth/api/domain';

/**
 * What `GET /users` lets callers filter and sort on: names and emails, never credentials. Each
 * field is one of USER_LIST_COLUMNS in the identity domain.
 */
export const USERS_LIST_QUERY: ListQuerySpec = {
  filters: { username: { type: 'string' }, email: { type: 'string' } },
  sorts: ['user_id', 'username', 'email', 'creation_time', 'update_time'],
  defaultSort: [{ field: 'user_id', direction: 'ASC' }],
};
