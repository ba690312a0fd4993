import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { applyListQuery, escapeLike, type ListColumns, type ListQuery } from '@berth/api/domain';
import { IdentityError } from './identity.errors';
import { UserEntity } from './user.entity';

export type NewUser = Pick<
  UserEntity,
  'username' | 'email' | 'realname' | 'comment' | 'passwordHash' | 'sysadmin'
>;
export type UserPatch = Partial<
  Pick<
    UserEntity,
    | 'username'
    | 'email'
    | 'realname'
    | 'comment'
    | 'passwordHash'
    | 'sysadmin'
    | 'cliSecretHash'
    | 'deleted'
  >
>;
export interface UserPage {
  users: UserEntity[];
  total: number;
}
/** Rows to skip and take; `Paging` from the API domain fits. */
export interface UserWindow {
  offset: number;
  limit: number;
}

/**
 * The API fields a user list may filter and sort on, and where each lives. Callers choose from
 * these names only (an allowlist); the password hash and CLI secret are never among them.
 */
export const USER_LIST_COLUMNS: ListColumns = {
  user_id: 'u.id',
  username: 'u.username',
  email: 'u.email',
  creation_time: 'u.creationTime',
  update_time: 'u.updateTime',
};

/** Where users live. The use cases depend on this port; specs use the in-memory fake. */
export abstract class UserRepository {
  /** A live (not deleted) user. */
  abstract findById(id: number): Promise<UserEntity | null>;
  abstract findByUsername(username: string): Promise<UserEntity | null>;
  abstract findByEmail(email: string): Promise<UserEntity | null>;
  /** Live users matching a parsed `q`/`sort` over USER_LIST_COLUMNS, by id when unsorted. */
  abstract list(query: ListQuery, window: UserWindow): Promise<UserPage>;
  /** Live users whose name starts with `prefix` (case-insensitive, wildcards literal), by name. */
  abstract searchByUsernamePrefix(prefix: string, window: UserWindow): Promise<UserPage>;
  /** Inserts (through `manager` when given, to join its transaction); a taken username or email is a CONFLICT. */
  abstract create(user: NewUser, manager?: EntityManager): Promise<UserEntity>;
  abstract update(id: number, patch: UserPatch, manager?: EntityManager): Promise<void>;
  abstract countSysadmins(): Promise<number>;
  /** Sets the password only when none is set; true when this call set it (one replica wins). */
  abstract setPasswordHashIfUnset(id: number, hash: string): Promise<boolean>;
}

@Injectable()
export class TypeOrmUserRepository extends UserRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get users() {
    return this.dataSource.getRepository(UserEntity);
  }

  findById(id: number): Promise<UserEntity | null> {
    return this.users.findOneBy({ id, deleted: false });
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ username, deleted: false });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email, deleted: false });
  }

  async list(query: ListQuery, window: UserWindow): Promise<UserPage> {
    const qb = this.users.createQueryBuilder('u').where('u.deleted = :deleted', { deleted: false });
    applyListQuery(qb, query, USER_LIST_COLUMNS);
    // A stable order, so pages neither repeat nor skip rows.
    if (query.sorts.length === 0) qb.orderBy('u.id', 'ASC');
    else qb.addOrderBy('u.id', 'ASC');
    const [users, total] = await qb.skip(window.offset).take(window.limit).getManyAndCount();
    return { users, total };
  }

  async searchByUsernamePrefix(prefix: string, window: UserWindow): Promise<UserPage> {
    const [users, total] = await this.users
      .createQueryBuilder('u')
      .where('u.deleted = :deleted', { deleted: false })
      .andWhere("LOWER(u.username) LIKE LOWER(:prefix) ESCAPE '\\'", {
        prefix: `${escapeLike(prefix)}%`,
      })
      .orderBy('u.username', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .skip(window.offset)
      .take(window.limit)
      .getManyAndCount();
    return { users, total };
  }

  async create(user: NewUser, manager?: EntityManager): Promise<UserEntity> {
    const now = new Date().toISOString();
    // Fields picked one by one: insert, never an upsert of whatever the caller passed.
    const row = this.users.create({
      username: user.username,
      email: user.email,
      realname: user.realname,
      comment: user.comment,
      passwordHash: user.passwordHash,
      sysadmin: user.sysadmin,
      cliSecretHash: null,
      deleted: false,
      creationTime: now,
      updateTime: now,
    });
    try {
      await (manager?.getRepository(UserEntity) ?? this.users).insert(row);
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw new IdentityError('CONFLICT', 'username or email already exists');
      }
      throw e;
    }
    return row;
  }

  async update(id: number, patch: UserPatch, manager?: EntityManager): Promise<void> {
    try {
      await (manager?.getRepository(UserEntity) ?? this.users).update(
        { id },
        { ...patch, updateTime: new Date().toISOString() },
      );
    } catch (e) {
      if (isUniqueViolation(e))
        throw new IdentityError('CONFLICT', 'username or email already exists');
      throw e;
    }
  }

  countSysadmins(): Promise<number> {
    return this.users.countBy({ sysadmin: true, deleted: false });
  }

  async setPasswordHashIfUnset(id: number, hash: string): Promise<boolean> {
    const result = await this.users
      .createQueryBuilder()
      .update()
      .set({ passwordHash: hash, updateTime: new Date().toISOString() })
      .where('user_id = :id AND password_hash IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}

function isUniqueViolation(e: unknown): boolean {
  if (!(e instanceof QueryFailedError)) return false;
  const driverError = e.driverError as { code?: unknown } | undefined;
  // PostgreSQL unique_violation, SQLite SQLITE_CONSTRAINT_UNIQUE.
  return driverError?.code === '23505' || driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
