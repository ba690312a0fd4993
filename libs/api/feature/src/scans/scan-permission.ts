import { forbidden, unauthorized } from '@berth/api/domain';
import type { Principal } from '@berth/identity/domain';
import { PROJECT_ROLES, type ProjectRoleId } from '@berth/projects/domain';

/**
 * Harbor's `scan` create and stop (src/common/rbac/project/rbac_role.go): project admins and
 * maintainers, and system admins; developers and guests may only read results. Robots hold no
 * role on the API.
 */
const SCANNERS: readonly ProjectRoleId[] = [PROJECT_ROLES.projectAdmin, PROJECT_ROLES.maintainer];

/** 401 for anonymous callers, 403 for anyone else who may not start or stop scans here. */
export function requireScanRole(
  principal: Principal,
  role: ProjectRoleId | undefined,
  projectName: string,
): void {
  if (principal.kind === 'user' && principal.sysadmin) return;
  if (role !== undefined && SCANNERS.includes(role)) return;
  if (principal.kind === 'anonymous') throw unauthorized('authentication required');
  throw forbidden(`scan is not allowed in project ${projectName}`);
}
