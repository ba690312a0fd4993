import { IdentityError } from '../identity.errors';
import { LoginThrottle } from '../login-throttle';
import { hashPassword } from '../password-hash';
import type { UserPrincipal } from '../principal';
import type { UserSessionEntity } from '../user-session.entity';
import { UserSessionRepository } from '../user-session.repository';
import type { UserEntity } from '../user.entity';
import { UserRepository, type NewUser, type UserPage, type UserPatch } from '../user.repository';

/** Users in a Map, with the same uniqueness rules as the table; for unit specs. */
export class InMemoryUserRepository extends UserRepository {
  readonly rows = new Map<number, UserEntity>();
  private nextId = 1;

  async findById(id: number): Promise<UserEntity | null> {
    const u = this.rows.get(id);
    return u && !u.deleted ? { ...u } : null;
  }
  async findByUsername(username: string): Promise<UserEntity | null> {
    return this.find((u) => u.username === username);
  }
  async findByEmail(email: string): Promise<UserEntity | null> {
    return this.find((u) => u.email === email);
  }
  async list(page: number, pageSize: number, username?: string): Promise<UserPage> {
    const live = [...this.rows.values()].filter(
      (u) => !u.deleted && (!username || u.username.includes(username)),
    );
    return { users: live.slice((page - 1) * pageSize, page * pageSize), total: live.length };
  }
  async create(user: NewUser): Promise<UserEntity> {
    this.assertUnique(user.username, user.email, -1);
    const now = new Date().toISOString();
    const row: UserEntity = {
      ...user,
      id: this.nextId++,
      cliSecretHash: null,
      deleted: false,
      creationTime: now,
      updateTime: now,
    };
    this.rows.set(row.id, row);
    return { ...row };
  }
  async update(id: number, patch: UserPatch): Promise<void> {
    const row = this.rows.get(id);
    if (!row) return;
    this.assertUnique(patch.username ?? row.username, patch.email ?? row.email, id);
    Object.assign(row, patch, { updateTime: new Date().toISOString() });
  }
  async countSysadmins(): Promise<number> {
    return [...this.rows.values()].filter((u) => u.sysadmin && !u.deleted).length;
  }
  async setPasswordHashIfUnset(id: number, hash: string): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.passwordHash !== null) return false;
    row.passwordHash = hash;
    return true;
  }

  private async find(match: (u: UserEntity) => boolean): Promise<UserEntity | null> {
    const u = [...this.rows.values()].find((r) => !r.deleted && match(r));
    return u ? { ...u } : null;
  }
  private assertUnique(username: string, email: string | null, id: number): void {
    for (const r of this.rows.values()) {
      if (r.id !== id && (r.username === username || (email !== null && r.email === email))) {
        throw new IdentityError('CONFLICT', 'username or email already exists');
      }
    }
  }
}

export class InMemoryUserSessionRepository extends UserSessionRepository {
  readonly rows = new Map<string, UserSessionEntity>();

  async insert(session: UserSessionEntity): Promise<void> {
    this.rows.set(session.sessionHash, { ...session });
  }
  async findActive(sessionHash: string, now: string): Promise<UserSessionEntity | null> {
    const s = this.rows.get(sessionHash);
    return s && s.expiresAt > now ? { ...s } : null;
  }
  async delete(sessionHash: string): Promise<void> {
    this.rows.delete(sessionHash);
  }
  async deleteForUser(userId: number): Promise<void> {
    for (const [k, s] of this.rows) if (s.userId === userId) this.rows.delete(k);
  }
  async deleteExpired(now: string): Promise<void> {
    for (const [k, s] of this.rows) if (s.expiresAt <= now) this.rows.delete(k);
  }
}

/** A store with `admin` (user 1, system admin) and `alice` (user 2), both with `Passw0rd!`. */
export async function seededIdentity(): Promise<{
  users: InMemoryUserRepository;
  sessions: InMemoryUserSessionRepository;
  throttle: LoginThrottle;
  admin: UserPrincipal;
  alice: UserPrincipal;
}> {
  const users = new InMemoryUserRepository();
  const passwordHash = await hashPassword(PASSWORD);
  const a = await users.create({
    username: 'admin',
    email: null,
    realname: '',
    comment: '',
    passwordHash,
    sysadmin: true,
  });
  const b = await users.create({
    username: 'alice',
    email: 'alice@example.com',
    realname: 'Alice',
    comment: '',
    passwordHash,
    sysadmin: false,
  });
  return {
    users,
    sessions: new InMemoryUserSessionRepository(),
    throttle: new LoginThrottle(),
    admin: { kind: 'user', id: a.id, username: 'admin', sysadmin: true },
    alice: { kind: 'user', id: b.id, username: 'alice', sysadmin: false },
  };
}

export const PASSWORD = 'Passw0rd!';
