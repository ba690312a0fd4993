import type { UserEntity } from '@berth/identity/domain';

/** Harbor's `UserResp`: what the API shows of a user. Never the password hash or CLI secret. */
export interface UserResp {
  user_id: number;
  username: string;
  email: string;
  realname: string;
  comment: string;
  sysadmin_flag: boolean;
  admin_role_in_auth: boolean;
  creation_time: string;
  update_time: string;
}

/** Harbor's `UserSearchRespItem`: all a user search reveals. */
export interface UserSearchRespItem {
  user_id: number;
  username: string;
}

export function toUserResp(user: UserEntity): UserResp {
  return {
    user_id: user.id,
    username: user.username,
    // Harbor's email is always a string; the bootstrap admin has none.
    email: user.email ?? '',
    realname: user.realname,
    comment: user.comment,
    sysadmin_flag: user.sysadmin,
    // Berth has no external auth source that could grant the admin role.
    admin_role_in_auth: false,
    creation_time: user.creationTime,
    update_time: user.updateTime,
  };
}
