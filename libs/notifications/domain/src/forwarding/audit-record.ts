/** One audit-log entry as it leaves Berth for a SIEM; the queue hands these to the forwarder. */
export interface AuditRecord {
  id: number; // audit log id (or queue id)
  eventId: string; // the domain event id (uuid), unique
  operator: string; // username / robot name / 'anonymous'
  resource: string; // e.g. 'library/nginx:1.27' or 'library' or 'alice'
  resourceType: string; // 'artifact' | 'tag' | 'project' | 'project_member' | 'robot' | 'user' | 'configuration' | 'user_login_logout'
  operation: string; // 'create' | 'delete' | 'pull' | 'update' | 'login' | 'logout'
  result: boolean; // success or failure
  description?: string; // free text, never a secret
  sourceAddress?: string; // client IP
  projectId?: number;
  opTime: string; // ISO 8601 with ms, UTC
}
