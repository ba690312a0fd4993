import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
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

/** Where users live. The use cases depend on this port; specs use the in-memory fake. */
export abstract class UserRepository {
  /** A live (not deleted) user. */
  abstract findById(id: number): Promise<UserEntity | null>;
  abstract findByUsername(username: string): Promise<UserEntity | null>;
  abstract findByEmail(email: string): Promise<UserEntity | null>;
  /** Live users by id, `page` from 1; `username` filters by substring. */
  abstract list(page: number, pageSize: number, username?: string): Promise<UserPage>;
  /** Inserts; a taken username or email is a CONFLICT. */
  abstract create(user: NewUser): Promise<UserEntity>;
  abstract update(id: number, patch: UserPatch): Promise<void>;
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

  async list(page: number, pageSize: number, username?: string): Promise<UserPage> {
    const qb = this.users.createQueryBuilder('u').where('u.deleted = :deleted', { deleted: false });
    if (username) {
      const escaped = username.replace(/[\\%_]/g, (c) => `\\${c}`);
      qb.andWhere("u.username LIKE :pattern ESCAPE '\\'", { pattern: `%${escaped}%` });
    }
    const [users, total] = await qb
      .orderBy('u.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { users, total };
  }

  async create(user: NewUser): Promise<UserEntity> {
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
      await this.users.insert(row);
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw new IdentityError('CONFLICT', 'username or email already exists');
      }
      throw e;
    }
    return row;
  }

  async update(id: number, patch: UserPatch): Promise<void> {
    try {
      await this.users.update({ id }, { ...patch, updateTime: new Date().toISOString() });
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
