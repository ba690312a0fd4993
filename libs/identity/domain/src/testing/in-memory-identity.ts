import type { DataSource } from 'typeorm';
import { LoginAudit } from '../audit';
import { IdentityError } from '../identity.errors';
import { LoginThrottle } from '../login-throttle';
import { hashPassword } from '../password-hash';
import type { UserPrincipal } from '../principal';
import type { UserSessionEntity } from '../user-session.entity';
import { UserSessionRepository } from '../user-session.repository';
import type { UserEntity } from '../user.entity';
import type { FilterCondition, ListQuery } from '@berth/api/domain';
import {
  UserRepository,
  type NewUser,
  type UserPage,
  type UserPatch,
  type UserWindow,
} from '../user.repository';
import { RecordingOutbox, inMemoryTransactions } from './recording-outbox';

// The API field names of USER_LIST_COLUMNS, read from a row.
const FIELD: Record<string, (u: UserEntity) => string | number | null> = {
  user_id: (u) => u.id,
  username: (u) => u.username,
  email: (u) => u.email,
  creation_time: (u) => u.creationTime,
  update_time: (u) => u.updateTime,
};

function matches(u: UserEntity, c: FilterCondition): boolean {
  const v = FIELD[c.field](u);
  switch (c.kind) {
    case 'exact':
      return v === c.value;
    case 'fuzzy':
      return String(v ?? '')
        .toLowerCase()
        .includes(c.value.toLowerCase());
    case 'or':
      return c.values.some((x) => v === x);
    case 'and':
      return c.values.every((x) => v === x);
    case 'range': {
      // Only string fields (username, email) are filterable on users.
      const text = String(v ?? '');
      return (
        v !== null &&
        (c.min === undefined || text >= String(c.min)) &&
        (c.max === undefined || text <= String(c.max))
      );
    }
  }
}

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
  async list(query: ListQuery, window: UserWindow): Promise<UserPage> {
    const live = [...this.rows.values()]
      .filter((u) => !u.deleted && query.filters.every((c) => matches(u, c)))
      .sort((a, b) => {
        for (const s of query.sorts) {
          const x = FIELD[s.field](a) ?? '';
          const y = FIELD[s.field](b) ?? '';
          if (x !== y) return (x < y ? -1 : 1) * (s.direction === 'ASC' ? 1 : -1);
        }
        return a.id - b.id;
      });
    return page(live, window);
  }
  async searchByUsernamePrefix(prefix: string, window: UserWindow): Promise<UserPage> {
    const live = [...this.rows.values()]
      .filter((u) => !u.deleted && u.username.toLowerCase().startsWith(prefix.toLowerCase()))
      .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : a.id - b.id));
    return page(live, window);
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

function page(rows: UserEntity[], window: UserWindow): UserPage {
  return {
    users: rows.slice(window.offset, window.offset + window.limit).map((u) => ({ ...u })),
    total: rows.length,
  };
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
  /** Transactions for the use cases; the in-memory repositories ignore their manager. */
  dataSource: DataSource;
  /** Every event the use cases appended. */
  outbox: RecordingOutbox;
  loginAudit: LoginAudit;
  admin: UserPrincipal;
  alice: UserPrincipal;
}> {
  const users = new InMemoryUserRepository();
  const dataSource = inMemoryTransactions();
  const outbox = new RecordingOutbox();
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
    dataSource,
    outbox,
    loginAudit: new LoginAudit(dataSource, outbox),
    admin: { kind: 'user', id: a.id, username: 'admin', sysadmin: true },
    alice: { kind: 'user', id: b.id, username: 'alice', sysadmin: false },
  };
}

export const PASSWORD = 'Passw0rd!';
