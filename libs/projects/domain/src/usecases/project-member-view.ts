import type { UserRepository } from '@berth/identity/domain';
import type { ProjectMemberEntity } from '../project-member.entity';

/** A member as the API shows it: the row and the user's name. */
export interface ProjectMemberView {
  member: ProjectMemberEntity;
  entityName: string;
}

export async function viewMember(
  users: UserRepository,
  member: ProjectMemberEntity,
): Promise<ProjectMemberView> {
  const user = await users.findById(member.entityId);
  return { member, entityName: user?.username ?? '' };
}
