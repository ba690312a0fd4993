import type { ProjectMemberEntity, Project, ProjectRoleId } from '@berth/projects/domain';
import { roleName } from '@berth/projects/domain';
import type { CveAllowlistResp } from '../system-cve-allowlist/cve-allowlist-resp';

/** Harbor's Project model (the fields Berth has). */
export interface ProjectResp {
  project_id: number;
  name: string;
  owner_id: number;
  owner_name: string;
  creation_time: string;
  update_time: string;
  deleted: boolean;
  repo_count: number;
  metadata: Record<string, string>;
  current_user_role_id: number;
  current_user_role_ids: number[];
  /** The project's own CVE allowlist (used while `reuse_sys_cve_allowlist` is "false"). */
  cve_allowlist?: CveAllowlistResp;
}

export function toProjectResp(
  project: Project,
  ownerName: string,
  repoCount: number,
  role: ProjectRoleId | undefined,
): ProjectResp {
  return {
    project_id: project.id,
    name: project.name,
    owner_id: project.ownerId,
    owner_name: ownerName,
    creation_time: project.createdAt,
    update_time: project.updatedAt,
    deleted: false,
    repo_count: repoCount,
    metadata: project.metadata,
    // Harbor answers 0 / [] when the caller holds no role.
    current_user_role_id: role ?? 0,
    current_user_role_ids: role ? [role] : [],
  };
}

/** Harbor's ProjectMemberEntity model. */
export interface ProjectMemberResp {
  id: number;
  project_id: number;
  entity_name: string;
  entity_type: 'u';
  entity_id: number;
  role_id: number;
  role_name: string;
}

export function toMemberResp(member: ProjectMemberEntity, entityName: string): ProjectMemberResp {
  return {
    id: member.id,
    project_id: member.projectId,
    entity_name: entityName,
    entity_type: 'u',
    entity_id: member.entityId,
    role_id: member.roleId,
    role_name: roleName(member.roleId),
  };
}
