import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryAccessEntry, RegistryTokenClaims } from '@berth/contracts';
import {
  CSRF_HEADER,
  CreateUserUseCase,
  UserRepository,
  type UserPrincipal,
} from '@berth/identity/domain';
import { AuditPurgeService, WebhookJobEntity } from '@berth/notifications/domain';
import type { RunningService } from '@berth/platform/runtime';
import { DataSource } from 'typeorm';
import { startTestBerth } from './testing/test-berth';

// Berth's authorization as one table: every caller × every endpoint of /v2/ and /api/v2.0 ×
// own private project, another private project, a public project and objects of another
// project named under the caller's own (IDOR). Expected answers follow Harbor's role rules,
// written out below rather than read from Berth's own permission table.

const ADMIN_PASSWORD = 'correct-horse-battery';
const PASSWORD = 'Matrix-Passw0rd';
const ADMIN: UserPrincipal = { kind: 'user', id: 1, username: 'admin', sysadmin: true };
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const ZERO_DIGEST = `sha256:${'0'.repeat(64)}`;
const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const sha = (b: Buffer | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;
const claimsOf = (token: string): RegistryTokenClaims =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

// ---------------------------------------------------------------------------------------------
// Callers and what Harbor lets each of them do.

type Role = 'projectAdmin' | 'maintainer' | 'developer' | 'guest' | 'limitedGuest';
type Robot = 'robotPull' | 'robotPush' | 'robotPattern' | 'robotSystem';
type Caller = 'sysadmin' | Role | 'nonMember' | 'anonymous' | Robot;
const ROLE_ID: Record<Role, number> = {
  projectAdmin: 1,
  developer: 2,
  guest: 3,
  maintainer: 4,
  limitedGuest: 5,
};
const ROLES = Object.keys(ROLE_ID) as Role[];
const ROBOTS: Robot[] = ['robotPull', 'robotPush', 'robotPattern', 'robotSystem'];
const CALLERS: Caller[] = ['sysadmin', ...ROLES, 'nonMember', 'anonymous', ...ROBOTS];
/** Every role is held in `own`; `nonMember` belongs to no project. */
const USERNAMES: Record<Role | 'nonMember', string> = {
  projectAdmin: 'm-admin',
  maintainer: 'm-maintainer',
  developer: 'm-developer',
  guest: 'm-guest',
  limitedGuest: 'm-limited',
  nonMember: 'm-outsider',
};
const isRole = (c: Caller): c is Role => (ROLES as string[]).includes(c);
const isRobot = (c: Caller): c is Robot => (ROBOTS as string[]).includes(c);

type Action = 'pull' | 'push' | 'delete';
/** Harbor's registry grants per project role. */
const ROLE_ACTIONS: Record<Role, Action[]> = {
  projectAdmin: ['pull', 'push', 'delete'],
  maintainer: ['pull', 'push', 'delete'],
  developer: ['pull', 'push'],
  guest: ['pull'],
  limitedGuest: ['pull'],
};
/** The robots: project robots of `own`, one confined to repositories `app*`, a system robot on `own`. */
const ROBOT_GRANTS: Record<
  Robot,
  { level: 'project' | 'system'; actions: Action[]; prefix?: string }
> = {
  robotPull: { level: 'project', actions: ['pull'] },
  robotPush: { level: 'project', actions: ['pull', 'push'] },
  robotPattern: { level: 'project', actions: ['pull', 'push'], prefix: 'app' },
  robotSystem: { level: 'system', actions: ['pull', 'delete'] },
};

/** What a caller may do on a repository (`project/path`): the registry half of the table. */
function allowedActions(c: Caller, repository: string): Action[] {
  const slash = repository.indexOf('/');
  const project = repository.slice(0, slash);
  const path = repository.slice(slash + 1);
  if (c === 'sysadmin') return ['pull', 'push', 'delete'];
  if (isRobot(c)) {
    const g = ROBOT_GRANTS[c];
    // Robots hold their listed permissions only: nothing from a project being public.
    if (project !== 'own' || (g.prefix !== undefined && !path.startsWith(g.prefix))) return [];
    return g.actions;
  }
  if (isRole(c) && project === 'own') return ROLE_ACTIONS[c];
  return project === 'pub' ? ['pull'] : [];
}

/** Holders of an API permission: project roles, and `public` for anyone on a public project. */
type Holder = Role | 'public';
const READERS: Holder[] = [...ROLES, 'public'];
const MEMBER_READERS: Holder[] = ['projectAdmin', 'maintainer', 'developer', 'guest'];
const WRITERS: Holder[] = ['projectAdmin', 'maintainer', 'developer'];
const DELETERS: Holder[] = ['projectAdmin', 'maintainer'];
const ROBOT_READERS: Holder[] = ['projectAdmin', 'maintainer'];
const ADMINS: Holder[] = ['projectAdmin'];
/** Harbor's notification-policy read/list: project admins and maintainers. */
const WEBHOOK_READERS: Holder[] = ['projectAdmin', 'maintainer'];
/** Harbor's log list: every role but limited guest, and nothing from a project being public. */
const LOG_READERS: Holder[] = ['projectAdmin', 'maintainer', 'developer', 'guest'];
/** Harbor's scan create and stop: project admins and maintainers (developers only read results). */
const SCANNERS: Holder[] = ['projectAdmin', 'maintainer'];
/** The built-in scanner's registration, seeded by the scanning migration. */
const BUILTIN_SCANNER_UUID = '6f1c2b8e-3d4a-4e5f-9a0b-7c8d9e0f1a2b';
/** A webhook target that needs no DNS; the policies' event type never fires in this suite. */
const HOOK_TARGET = 'https://8.8.8.8/berth-matrix';
const hookPolicy = (name: string) => ({
  name,
  event_types: ['QUOTA_EXCEED'],
  targets: [{ type: 'http', address: HOOK_TARGET }],
});
/** Artifact pushes in the audit log: the rows every project has from the fixtures. */
const PUSH_LOGS = `q=${encodeURIComponent('operation=create,resource_type=artifact')}&page_size=100`;

// ---------------------------------------------------------------------------------------------
// Fixtures, created once.

type Project = 'own' | 'other' | 'pub';
const PROJECTS: Project[] = ['own', 'other', 'pub'];
/** The repositories pushed: `app` in each project, and `own/tool` outside robotPattern's `app*`. */
const REPOS = ['own/app', 'own/tool', 'other/app', 'pub/app'] as const;
type Repo = (typeof REPOS)[number];

interface Pushed {
  config: string;
  layer: string;
  /** The image manifest tagged v1, and its bytes. */
  image: string;
  imageBody: string;
  /** An artifact whose subject is the image. */
  referrer: string;
  /** An upload session left open. */
  session: string;
}

interface Fixtures {
  projectId: Record<Project, number>;
  /** The member id of `admin` (each project's creator) in each project. */
  memberId: Record<Project, number>;
  /** A robot of each project, and a system robot, to be managed. */
  robotId: Record<Project | 'system', number>;
  userId: Record<string, number>;
  /** A user who is nobody's target but the one in `anotherUser` rows. */
  bystander: number;
  pushed: Record<Repo, Pushed>;
  robotSecret: Record<Robot, { name: string; secret: string }>;
  /** A webhook policy of each project, and one delivery (execution and task) of it. */
  policyId: Record<Project, number>;
  executionId: Record<Project, number>;
  /** The audit log rows of each project's pushes. */
  pushLogIds: Record<Project, number[]>;
  /** An audit log purge run. */
  purgeId: number;
}

// ---------------------------------------------------------------------------------------------
// The /api/v2.0 half of the table.

/**
 * `own`, `other`, `pub`: the project (or its object) named by name. `idor` on project routes:
 * `other` named by its numeric id; on object routes: `own`'s path holding an id of `other`'s
 * object. `system`: a system robot. `self`/`anotherUser`: the caller's user record or another's.
 */
type ApiTarget = Project | 'idor' | 'system' | 'self' | 'anotherUser' | '-';
type ApiKind = 'project' | 'object' | 'robot' | 'user' | 'global';

interface ApiEndpoint {
  /** The operation as the OpenAPI document names it. */
  route: string;
  /** What the row does, when the route alone does not say. */
  what?: string;
  kind: ApiKind;
  path: (t: ApiTarget, f: Fixtures, c: Caller, prepared: number) => string;
  body?: (t: ApiTarget, f: Fixtures) => unknown;
  /** project, object, robot kinds: who holds the permission. */
  allowed?: Holder[];
  /** user and global kinds: who may. */
  who?: 'anyone' | 'user' | 'self' | 'sysadmin';
  /** The status of an allowed call (writes aim at what makes them repeatable: 404/409/412). */
  ok: number;
  /** What robots get where only users may (Berth: they are not users). */
  robotRefused?: number;
  targets?: ApiTarget[];
  /** Creates the object a destructive row acts on; its id reaches `path`. */
  prepare?: (t: ApiTarget, c: Caller) => Promise<number>;
  /** What an allowed list must hold: nothing of a project the caller may not see. */
  check?: (res: Response, c: Caller, t: ApiTarget) => Promise<void>;
}

const webhookPath = (t: ApiTarget): string =>
  `/projects/${t === 'idor' ? 'own' : t}/webhook/policies`;
/** The policy named by an object row: `idor` names other's policy under own's path. */
const policyOf = (t: ApiTarget, f: Fixtures): number =>
  f.policyId[t === 'idor' ? 'other' : (t as Project)];
/** An execution row: `idor` names other's execution under own's path and own's policy. */
const executionPath = (t: ApiTarget, f: Fixtures): string => {
  const project: Project = t === 'idor' ? 'own' : (t as Project);
  const execution = f.executionId[t === 'idor' ? 'other' : project];
  return `/projects/${project}/webhook/policies/${f.policyId[project]}/executions/${execution}`;
};
/** What a list of push rows shows of each project: all its rows or none. */
async function expectPushLogsOf(res: Response, visible: Project[]): Promise<void> {
  const ids = ((await res.json()) as Array<{ id: number }>).map((r) => r.id);
  for (const p of PROJECTS) {
    const shown = f.pushLogIds[p].filter((id) => ids.includes(id));
    expect(shown, `rows of ${p}`).toEqual(visible.includes(p) ? f.pushLogIds[p] : []);
  }
}
const repoPath = (t: ApiTarget): string => `/projects/${t === 'idor' ? 'own' : t}/repositories`;
const projectRef = (t: ApiTarget, f: Fixtures): string =>
  t === 'idor' ? String(f.projectId.other) : t;
const pullOn = (project: string) => ({
  kind: 'project',
  namespace: project,
  access: [{ resource: 'repository', action: 'pull' }],
});

const API: ApiEndpoint[] = [
  // Unauthenticated by design.
  { route: 'GET /ping', kind: 'global', path: () => '/ping', who: 'anyone', ok: 200 },
  { route: 'GET /health', kind: 'global', path: () => '/health', who: 'anyone', ok: 200 },
  { route: 'GET /systeminfo', kind: 'global', path: () => '/systeminfo', who: 'anyone', ok: 200 },
  {
    route: 'GET /openapi.json',
    kind: 'global',
    path: () => '/openapi.json',
    who: 'anyone',
    ok: 200,
  },
  {
    route: 'GET /search',
    what: 'repositories',
    kind: 'global',
    path: () => '/search?q=app',
    who: 'anyone',
    ok: 200,
    check: async (res, c) => {
      const found = (await res.json()) as { repository: Array<{ project_name: string }> };
      const projects = new Set(found.repository.map((r) => r.project_name));
      expect([...projects].sort()).toEqual(visibleProjects(c).filter((p) => p !== 'library'));
    },
  },
  {
    route: 'GET /search',
    what: 'projects',
    kind: 'global',
    path: () => '/search?q=o',
    who: 'anyone',
    ok: 200,
    check: async (res, c) => {
      const found = (await res.json()) as { project: Array<{ name: string }> };
      expect(found.project.map((p) => p.name).sort()).toEqual(
        visibleProjects(c).filter((p) => p.includes('o')),
      );
    },
  },
  // Projects.
  {
    route: 'GET /projects',
    kind: 'global',
    path: () => '/projects',
    who: 'anyone',
    ok: 200,
    check: async (res, c) => {
      const projects = (await res.json()) as Array<{ name: string }>;
      expect(projects.map((p) => p.name).sort()).toEqual(visibleProjects(c));
    },
  },
  {
    route: 'HEAD /projects',
    kind: 'global',
    path: () => '/projects?project_name=own',
    who: 'user',
    ok: 200,
  },
  {
    route: 'POST /projects',
    what: 'a taken name',
    kind: 'global',
    path: () => '/projects',
    body: () => ({ project_name: 'own' }),
    who: 'user',
    ok: 409,
  },
  {
    route: 'GET /projects/{project_name_or_id}',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}`,
    allowed: READERS,
    ok: 200,
  },
  {
    route: 'PUT /projects/{project_name_or_id}',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}`,
    body: () => ({ metadata: { auto_scan: 'true' } }),
    allowed: ADMINS,
    ok: 200,
  },
  {
    route: 'DELETE /projects/{project_name_or_id}',
    what: 'a project holding repositories',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}`,
    allowed: ADMINS,
    ok: 412,
  },
  {
    route: 'GET /projects/{project_name_or_id}/summary',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/summary`,
    allowed: READERS,
    ok: 200,
  },
  // Members.
  {
    route: 'GET /projects/{project_name_or_id}/members',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/members`,
    allowed: MEMBER_READERS,
    ok: 200,
    check: async (res, _c, t) => {
      const members = (await res.json()) as Array<{ entity_name: string }>;
      const roles = ROLES.map((r) => USERNAMES[r]);
      expect(members.map((m) => m.entity_name).sort()).toEqual(
        ['admin', ...(t === 'own' ? roles : [])].sort(),
      );
    },
  },
  {
    route: 'POST /projects/{project_name_or_id}/members',
    what: 'an unknown user',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/members`,
    body: () => ({ role_id: 3, member_user: { username: 'nobody-here' } }),
    allowed: ADMINS,
    ok: 404,
  },
  {
    route: 'GET /projects/{project_name_or_id}/members/{mid}',
    kind: 'object',
    path: (t, f) => `/projects/${t === 'idor' ? 'own' : t}/members/${memberOf(t, f)}`,
    allowed: MEMBER_READERS,
    ok: 200,
  },
  {
    route: 'PUT /projects/{project_name_or_id}/members/{mid}',
    what: 'to the role it has (idor: to limited guest)',
    kind: 'object',
    path: (t, f) => `/projects/${t === 'idor' ? 'own' : t}/members/${memberOf(t, f)}`,
    body: (t) => ({ role_id: t === 'idor' ? 5 : 1 }),
    allowed: ADMINS,
    ok: 200,
  },
  {
    route: 'DELETE /projects/{project_name_or_id}/members/{mid}',
    what: 'a missing member (idor: another project’s)',
    kind: 'object',
    path: (t, f) =>
      `/projects/${t === 'idor' ? 'own' : t}/members/${t === 'idor' ? f.memberId.other : 999999}`,
    allowed: ADMINS,
    ok: 404,
  },
  // Metadata.
  {
    route: 'GET /projects/{project_name_or_id}/metadatas',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/metadatas`,
    allowed: MEMBER_READERS,
    ok: 200,
  },
  {
    route: 'POST /projects/{project_name_or_id}/metadatas',
    what: 'a key already set',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/metadatas`,
    body: (t) => ({ public: String(t === 'pub') }),
    allowed: ADMINS,
    ok: 409,
  },
  {
    route: 'GET /projects/{project_name_or_id}/metadatas/{meta_name}',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/metadatas/public`,
    allowed: MEMBER_READERS,
    ok: 200,
  },
  {
    route: 'PUT /projects/{project_name_or_id}/metadatas/{meta_name}',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/metadatas/auto_scan`,
    body: () => ({ auto_scan: 'true' }),
    allowed: ADMINS,
    ok: 200,
  },
  {
    route: 'DELETE /projects/{project_name_or_id}/metadatas/{meta_name}',
    what: 'a key not set',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/metadatas/severity`,
    allowed: ADMINS,
    ok: 404,
  },
  // Repositories, artifacts, tags (project by name only, as Harbor's {project_name}).
  {
    route: 'GET /projects/{project_name}/repositories',
    kind: 'project',
    path: (t) => repoPath(t),
    allowed: READERS,
    ok: 200,
    check: async (res, _c, t) => {
      const names = ((await res.json()) as Array<{ name: string }>).map((r) => r.name);
      expect(names).toContain(`${t}/app`);
      expect(names.filter((n) => !n.startsWith(`${t}/`))).toEqual([]);
    },
    targets: PROJECTS,
  },
  {
    route: 'GET /projects/{project_name}/repositories/{repository_name}',
    kind: 'object',
    path: (t) => `${repoPath(t)}/${t === 'idor' ? 'other%252Fapp' : 'app'}`,
    allowed: READERS,
    ok: 200,
  },
  {
    route: 'PUT /projects/{project_name}/repositories/{repository_name}',
    what: 'its description',
    kind: 'object',
    path: (t) => `${repoPath(t)}/${t === 'idor' ? 'other%252Fapp' : 'app'}`,
    body: () => ({ description: 'described by the matrix' }),
    allowed: WRITERS,
    ok: 200,
  },
  {
    route: 'DELETE /projects/{project_name}/repositories/{repository_name}',
    what: 'a missing repository (idor: another project’s)',
    kind: 'object',
    path: (t) => `${repoPath(t)}/${t === 'idor' ? 'other%252Fapp' : 'missing'}`,
    allowed: DELETERS,
    ok: 404,
  },
  {
    route: 'GET /projects/{project_name}/repositories/{repository_name}/artifacts',
    kind: 'object',
    path: (t) => `${repoPath(t)}/${t === 'idor' ? 'other%252Fapp' : 'app'}/artifacts`,
    allowed: READERS,
    ok: 200,
    check: async (res, _c, t) => {
      const digests = ((await res.json()) as Array<{ digest: string }>).map((a) => a.digest);
      // The referrer is an accessory of the image: listed under it, not on its own.
      expect(digests).toEqual([f.pushed[`${t as Project}/app` as Repo].image]);
    },
  },
  {
    route: 'GET /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}',
    kind: 'object',
    path: (t, f) => `${repoPath(t)}/app/artifacts/${imageOf(t, f)}`,
    allowed: READERS,
    ok: 200,
  },
  {
    route: 'DELETE /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}',
    what: 'a missing artifact (idor: another project’s)',
    kind: 'object',
    path: (t, f) =>
      `${repoPath(t)}/app/artifacts/${t === 'idor' ? f.pushed['other/app'].image : ZERO_DIGEST}`,
    allowed: DELETERS,
    ok: 404,
  },
  {
    route: 'GET /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/tags',
    kind: 'object',
    path: (t, f) => `${repoPath(t)}/app/artifacts/${imageOf(t, f)}/tags`,
    allowed: READERS,
    ok: 200,
  },
  {
    route:
      'GET /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/accessories',
    kind: 'object',
    path: (t, f) => `${repoPath(t)}/app/artifacts/${imageOf(t, f)}/accessories`,
    allowed: READERS,
    ok: 200,
    check: async (res, _c, t) => {
      const digests = ((await res.json()) as Array<{ digest: string }>).map((a) => a.digest);
      expect(digests).toEqual([f.pushed[`${t as Project}/app` as Repo].referrer]);
    },
  },
  {
    route:
      'POST /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/tags',
    what: 'a tag that exists',
    kind: 'object',
    path: (t, f) => `${repoPath(t)}/app/artifacts/${imageOf(t, f)}/tags`,
    body: () => ({ name: 'v1' }),
    allowed: WRITERS,
    ok: 409,
  },
  {
    route:
      'DELETE /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/tags/{tag_name}',
    what: 'a missing tag (idor: another project’s v1)',
    kind: 'object',
    path: (t, f) =>
      `${repoPath(t)}/app/artifacts/${imageOf(t, f)}/tags/${t === 'idor' ? 'v1' : 'nope'}`,
    allowed: DELETERS,
    ok: 404,
  },
  // Scans (Harbor's `scan` create/stop: project admins and maintainers; reads: artifact readers).
  {
    route:
      'POST /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/scan',
    kind: 'object',
    path: (t, f) => `${repoPath(t)}/app/artifacts/${imageOf(t, f)}/scan`,
    allowed: SCANNERS,
    ok: 202,
  },
  {
    route:
      'POST /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/scan/stop',
    kind: 'object',
    path: (t, f) => `${repoPath(t)}/app/artifacts/${imageOf(t, f)}/scan/stop`,
    allowed: SCANNERS,
    ok: 202,
  },
  {
    route:
      'GET /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/scan/{report_id}/log',
    what: 'a report that does not exist',
    kind: 'object',
    path: (t, f) => `${repoPath(t)}/app/artifacts/${imageOf(t, f)}/scan/${randomUUID()}/log`,
    allowed: READERS,
    ok: 404,
  },
  {
    route:
      'GET /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/additions/vulnerabilities',
    what: 'of an image no scan could read',
    kind: 'object',
    path: (t, f) => `${repoPath(t)}/app/artifacts/${imageOf(t, f)}/additions/vulnerabilities`,
    allowed: READERS,
    ok: 404,
  },
  {
    route:
      'GET /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/additions/sbom',
    what: 'of an image, which is no SBOM',
    kind: 'object',
    path: (t, f) => `${repoPath(t)}/app/artifacts/${imageOf(t, f)}/additions/sbom`,
    allowed: READERS,
    ok: 404,
  },
  {
    route: 'GET /system/scanAll/schedule',
    kind: 'global',
    path: () => '/system/scanAll/schedule',
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'POST /system/scanAll/schedule',
    what: 'to none',
    kind: 'global',
    path: () => '/system/scanAll/schedule',
    body: () => ({ schedule: { type: 'None' } }),
    who: 'sysadmin',
    ok: 201,
    robotRefused: 403,
  },
  {
    route: 'PUT /system/scanAll/schedule',
    what: 'to none',
    kind: 'global',
    path: () => '/system/scanAll/schedule',
    body: () => ({ schedule: { type: 'None' } }),
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'GET /system/scanAll/metrics',
    kind: 'global',
    path: () => '/system/scanAll/metrics',
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'POST /system/scanAll/stop',
    kind: 'global',
    path: () => '/system/scanAll/stop',
    who: 'sysadmin',
    ok: 202,
    robotRefused: 403,
  },
  // Robots.
  {
    route: 'GET /robots',
    what: 'every robot',
    kind: 'global',
    path: () => '/robots',
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'GET /robots',
    what: 'a project’s robots',
    kind: 'project',
    path: (t, f) =>
      `/robots?q=${encodeURIComponent(`Level=project,ProjectID=${f.projectId[t as Project]}`)}`,
    allowed: ROBOT_READERS,
    ok: 200,
    check: async (res, _c, t) => {
      const names = ((await res.json()) as Array<{ name: string }>).map((r) => r.name);
      expect(names).toContain(`robot$${t}+m`);
      expect(names.filter((n) => !n.startsWith(`robot$${t}+`))).toEqual([]);
    },
    targets: PROJECTS,
  },
  {
    route: 'POST /robots',
    what: 'a taken name',
    kind: 'project',
    path: () => '/robots',
    body: (t) => ({ name: 'm', level: 'project', permissions: [pullOn(t)] }),
    allowed: ADMINS,
    ok: 409,
    targets: PROJECTS,
  },
  {
    route: 'GET /robots/{robot_id}',
    kind: 'robot',
    path: (t, f) => `/robots/${f.robotId[t as Project | 'system']}`,
    allowed: ROBOT_READERS,
    ok: 200,
  },
  {
    route: 'PUT /robots/{robot_id}',
    kind: 'robot',
    path: (t, f) => `/robots/${f.robotId[t as Project | 'system']}`,
    body: () => ({ description: 'touched' }),
    allowed: ADMINS,
    ok: 200,
  },
  {
    route: 'PATCH /robots/{robot_id}',
    kind: 'robot',
    path: (t, f) => `/robots/${f.robotId[t as Project | 'system']}`,
    body: () => ({}),
    allowed: ADMINS,
    ok: 200,
  },
  {
    route: 'DELETE /robots/{robot_id}',
    kind: 'robot',
    path: (_t, _f, _c, prepared) => `/robots/${prepared}`,
    allowed: ADMINS,
    ok: 200,
    prepare: (t, c) => fresh.robot(t, c),
  },
  // Users.
  {
    route: 'GET /users',
    kind: 'user',
    path: () => '/users',
    who: 'sysadmin',
    ok: 200,
    targets: ['-'],
  },
  {
    route: 'POST /users',
    what: 'a taken username',
    kind: 'user',
    path: () => '/users',
    body: () => ({ username: 'admin', email: 'taken@example.test', password: 'Passw0rd-Taken' }),
    who: 'sysadmin',
    ok: 409,
    targets: ['-'],
  },
  {
    route: 'GET /users/current',
    kind: 'user',
    path: () => '/users/current',
    who: 'user',
    ok: 200,
    robotRefused: 400,
    targets: ['-'],
  },
  {
    route: 'PUT /users/current/password',
    what: 'a password too weak',
    kind: 'user',
    path: () => '/users/current/password',
    body: () => ({ old_password: PASSWORD, new_password: 'weak' }),
    who: 'user',
    ok: 400,
    robotRefused: 400,
    targets: ['-'],
  },
  {
    route: 'GET /users/search',
    kind: 'user',
    path: () => '/users/search?username=m-',
    who: 'user',
    ok: 200,
    targets: ['-'],
  },
  {
    route: 'GET /users/{user_id}',
    kind: 'user',
    path: (t, f, c) => `/users/${userOf(t, f, c)}`,
    who: 'self',
    ok: 200,
  },
  {
    route: 'PUT /users/{user_id}',
    kind: 'user',
    path: (t, f, c) => `/users/${userOf(t, f, c)}`,
    body: () => ({ comment: 'touched' }),
    who: 'self',
    ok: 200,
  },
  {
    route: 'DELETE /users/{user_id}',
    kind: 'user',
    path: (_t, _f, _c, prepared) => `/users/${prepared}`,
    who: 'sysadmin',
    ok: 200,
    targets: ['anotherUser'],
    prepare: (_t, c) => fresh.user(c),
  },
  {
    route: 'PUT /users/{user_id}/password',
    what: 'a password too weak',
    kind: 'user',
    path: (t, f, c) => `/users/${userOf(t, f, c)}/password`,
    body: () => ({ old_password: PASSWORD, new_password: 'weak' }),
    who: 'self',
    ok: 400,
  },
  {
    route: 'PUT /users/{user_id}/sysadmin',
    what: 'to what it is',
    kind: 'user',
    path: (t, f, c) => `/users/${userOf(t, f, c)}/sysadmin`,
    body: () => ({ sysadmin_flag: false }),
    who: 'sysadmin',
    ok: 200,
    targets: ['anotherUser'],
  },
  {
    route: 'PUT /users/{user_id}/cli_secret',
    kind: 'user',
    path: (t, f, c) => `/users/${userOf(t, f, c)}/cli_secret`,
    body: () => ({}),
    who: 'self',
    ok: 200,
  },
  // Webhooks (Harbor's notification-policy resource).
  {
    route: 'GET /projects/{project_name_or_id}/webhook/policies',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/webhook/policies`,
    allowed: WEBHOOK_READERS,
    ok: 200,
    check: async (res, _c, t) => {
      const policies = (await res.json()) as Array<{ project_id: number }>;
      const project = t === 'idor' ? 'other' : (t as Project);
      expect(policies.map((p) => p.project_id)).toEqual([f.projectId[project]]);
    },
  },
  {
    route: 'POST /projects/{project_name_or_id}/webhook/policies',
    what: 'a taken name',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/webhook/policies`,
    body: () => hookPolicy('m-hook'),
    allowed: ADMINS,
    ok: 409,
  },
  {
    route: 'GET /projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}',
    kind: 'object',
    path: (t, f) => `${webhookPath(t)}/${policyOf(t, f)}`,
    allowed: WEBHOOK_READERS,
    ok: 200,
  },
  {
    route: 'PUT /projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}',
    what: 'its description',
    kind: 'object',
    path: (t, f) => `${webhookPath(t)}/${policyOf(t, f)}`,
    body: () => ({ description: 'touched by the matrix' }),
    allowed: ADMINS,
    ok: 200,
  },
  {
    route: 'DELETE /projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}',
    what: 'a missing policy (idor: another project’s)',
    kind: 'object',
    path: (t, f) => `${webhookPath(t)}/${t === 'idor' ? f.policyId.other : 999999}`,
    allowed: ADMINS,
    ok: 404,
  },
  {
    route: 'GET /projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions',
    kind: 'object',
    path: (t, f) => `${webhookPath(t)}/${policyOf(t, f)}/executions`,
    allowed: WEBHOOK_READERS,
    ok: 200,
    check: async (res, _c, t) => {
      const executions = (await res.json()) as Array<{ id: number }>;
      expect(executions.map((e) => e.id)).toEqual([f.executionId[t as Project]]);
    },
  },
  {
    route:
      'GET /projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions/{execution_id}/tasks',
    kind: 'object',
    path: (t, f) => `${executionPath(t, f)}/tasks`,
    allowed: WEBHOOK_READERS,
    ok: 200,
  },
  {
    route:
      'GET /projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions/{execution_id}/tasks/{task_id}/log',
    kind: 'object',
    path: (t, f) =>
      `${executionPath(t, f)}/tasks/${f.executionId[t === 'idor' ? 'other' : (t as Project)]}/log`,
    allowed: WEBHOOK_READERS,
    ok: 200,
  },
  {
    route: 'GET /projects/{project_name_or_id}/webhook/lasttrigger',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/webhook/lasttrigger`,
    allowed: WEBHOOK_READERS,
    ok: 200,
  },
  {
    route: 'GET /projects/{project_name_or_id}/webhook/events',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/webhook/events`,
    allowed: WEBHOOK_READERS,
    ok: 200,
  },
  // The audit log.
  {
    route: 'GET /audit-logs',
    kind: 'global',
    path: () => `/audit-logs?${PUSH_LOGS}`,
    who: 'user',
    ok: 200,
    // Harbor answers any signed-in caller; one without a role (a robot) sees no project's rows.
    robotRefused: 200,
    check: async (res, c) =>
      expectPushLogsOf(
        res,
        c === 'sysadmin' ? PROJECTS : isRole(c) && LOG_READERS.includes(c) ? ['own'] : [],
      ),
  },
  {
    route: 'GET /projects/{project_name}/logs',
    kind: 'project',
    path: (t) => `/projects/${t}/logs?${PUSH_LOGS}`,
    allowed: LOG_READERS,
    ok: 200,
    check: async (res, _c, t) => expectPushLogsOf(res, [t as Project]),
    targets: PROJECTS,
  },
  {
    route: 'GET /system/purgeaudit',
    kind: 'global',
    path: () => '/system/purgeaudit',
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'GET /system/purgeaudit/{purge_id}',
    kind: 'global',
    path: (_t, f) => `/system/purgeaudit/${f.purgeId}`,
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'GET /system/purgeaudit/{purge_id}/log',
    kind: 'global',
    path: (_t, f) => `/system/purgeaudit/${f.purgeId}/log`,
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'GET /system/purgeaudit/schedule',
    kind: 'global',
    path: () => '/system/purgeaudit/schedule',
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'POST /system/purgeaudit/schedule',
    what: 'a manual dry run',
    kind: 'global',
    path: () => '/system/purgeaudit/schedule',
    body: () => ({
      schedule: { type: 'Manual' },
      parameters: { audit_retention_hour: 24 * 365, include_operations: 'pull', dry_run: true },
    }),
    who: 'sysadmin',
    ok: 201,
    robotRefused: 403,
  },
  {
    route: 'PUT /system/purgeaudit/schedule',
    what: 'to none',
    kind: 'global',
    path: () => '/system/purgeaudit/schedule',
    body: () => ({ schedule: { type: 'None' } }),
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  // System configurations.
  {
    route: 'GET /configurations',
    kind: 'global',
    path: () => '/configurations',
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'PUT /configurations',
    what: 'nothing changed',
    kind: 'global',
    path: () => '/configurations',
    body: () => ({}),
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  // The system CVE allowlist: Harbor lets any signed-in caller read it, robots included.
  {
    route: 'GET /system/CVEAllowlist',
    kind: 'global',
    path: () => '/system/CVEAllowlist',
    who: 'user',
    ok: 200,
    robotRefused: 200,
  },
  {
    route: 'PUT /system/CVEAllowlist',
    what: 'to empty',
    kind: 'global',
    path: () => '/system/CVEAllowlist',
    body: () => ({ items: [], expires_at: null }),
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  // Scanner registrations (system admin) and a project's scanner.
  {
    route: 'GET /scanners',
    kind: 'global',
    path: () => '/scanners',
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'POST /scanners',
    what: 'a taken name',
    kind: 'global',
    path: () => '/scanners',
    body: () => ({ name: 'Berth', url: 'https://8.8.8.8/adapter' }),
    who: 'sysadmin',
    ok: 409,
    robotRefused: 403,
  },
  {
    route: 'POST /scanners/ping',
    what: 'an adapter that does not answer',
    kind: 'global',
    path: () => '/scanners/ping',
    body: () => ({ name: 'nobody', url: 'http://127.0.0.1:1' }),
    who: 'sysadmin',
    ok: 400,
    robotRefused: 403,
  },
  {
    route: 'GET /scanners/{registration_id}',
    what: 'the built-in one',
    kind: 'global',
    path: () => `/scanners/${BUILTIN_SCANNER_UUID}`,
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'PUT /scanners/{registration_id}',
    what: 'one that does not exist',
    kind: 'global',
    path: () => `/scanners/${randomUUID()}`,
    body: () => ({ name: 'nobody', url: 'https://8.8.8.8/adapter' }),
    who: 'sysadmin',
    ok: 404,
    robotRefused: 403,
  },
  {
    route: 'PATCH /scanners/{registration_id}',
    what: 'the default one as default',
    kind: 'global',
    path: () => `/scanners/${BUILTIN_SCANNER_UUID}`,
    body: () => ({ is_default: true }),
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'DELETE /scanners/{registration_id}',
    what: 'one that does not exist',
    kind: 'global',
    path: () => `/scanners/${randomUUID()}`,
    who: 'sysadmin',
    ok: 404,
    robotRefused: 403,
  },
  {
    route: 'GET /scanners/{registration_id}/metadata',
    what: 'of the built-in one',
    kind: 'global',
    path: () => `/scanners/${BUILTIN_SCANNER_UUID}/metadata`,
    who: 'sysadmin',
    ok: 200,
    robotRefused: 403,
  },
  {
    route: 'GET /projects/{project_name_or_id}/scanner',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/scanner`,
    allowed: READERS,
    ok: 200,
  },
  {
    route: 'PUT /projects/{project_name_or_id}/scanner',
    what: 'to the built-in one',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/scanner`,
    body: () => ({ uuid: BUILTIN_SCANNER_UUID }),
    allowed: ADMINS,
    ok: 200,
  },
  {
    route: 'GET /projects/{project_name_or_id}/scanner/candidates',
    kind: 'project',
    path: (t, f) => `/projects/${projectRef(t, f)}/scanner/candidates`,
    allowed: ADMINS,
    ok: 200,
  },
];

/** The projects a caller's lists show: public ones and its own; every one for a system admin. */
function visibleProjects(c: Caller): string[] {
  if (c === 'sysadmin') return ['library', 'other', 'own', 'pub'];
  return isRole(c) ? ['own', 'pub'] : ['pub'];
}

function memberOf(t: ApiTarget, f: Fixtures): number {
  return f.memberId[t === 'idor' ? 'other' : (t as Project)];
}
function imageOf(t: ApiTarget, f: Fixtures): string {
  return t === 'idor' ? f.pushed['other/app'].image : f.pushed[`${t as Project}/app` as Repo].image;
}
/** The caller's own id for `self` (robots and anonymous callers have none: the bystander's). */
function userOf(t: ApiTarget, f: Fixtures, c: Caller): number {
  if (t === 'self' && c === 'sysadmin') return ADMIN.id;
  if (t === 'self' && (isRole(c) || c === 'nonMember')) return f.userId[USERNAMES[c]];
  return f.bystander;
}

const TARGETS_OF: Record<ApiKind, ApiTarget[]> = {
  project: ['own', 'other', 'pub', 'idor'],
  object: ['own', 'other', 'pub', 'idor'],
  robot: ['own', 'other', 'pub', 'system'],
  user: ['self', 'anotherUser'],
  global: ['-'],
};

function expectedApi(e: ApiEndpoint, c: Caller, t: ApiTarget): number {
  const refused = c === 'anonymous' ? 401 : 403;
  switch (e.kind) {
    case 'project':
    case 'object': {
      const project: Project =
        t === 'idor' ? (e.kind === 'object' ? 'own' : 'other') : (t as Project);
      const allowed = e.allowed!;
      // Robots hold no project role on the API: like anyone, they may read a public project.
      const may =
        c === 'sysadmin' ||
        (isRole(c) && project === 'own' && allowed.includes(c)) ||
        (project === 'pub' && allowed.includes('public'));
      if (!may) return refused;
      return e.kind === 'object' && t === 'idor' ? 404 : e.ok;
    }
    case 'robot':
      if (c === 'sysadmin') return e.ok;
      return isRole(c) && t === 'own' && e.allowed!.includes(c) ? e.ok : refused;
    case 'user':
    case 'global': {
      if (e.who === 'anyone') return e.ok;
      if (c === 'anonymous') return 401;
      // Robots are no users: Berth answers them as it answers a caller without an account.
      if (isRobot(c)) return e.robotRefused ?? 401;
      if (e.who === 'user' || c === 'sysadmin') return e.ok;
      return e.who === 'self' && t === 'self' ? e.ok : 403;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The /v2/ half of the table.

/** A repository, or `idor`: own/app's path holding an id of other/app's object. */
type V2Target = Repo | 'idor' | '-';
type V2Caller = Caller | 'noToken';

interface V2Request {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}
interface V2Endpoint {
  name: string;
  targets: V2Target[];
  /** What the request needs of the token on the repository it names. */
  needs: Action[] | 'catalog' | 'nothing';
  /** The scope a client asks for (space-separated). */
  scope: (repo: string, c: V2Caller) => string;
  request: (repo: string, t: V2Target, f: Fixtures, c: V2Caller, prepared: string) => V2Request;
  ok: number;
  /** Objects of other/app named under own/app: the registry must not find them. */
  okIdor?: number;
  /** When the answer depends on more than `needs` on the named repository. */
  expected?: (c: Caller, repo: string) => number;
  prepare?: (t: V2Target) => Promise<string>;
  check?: (res: Response, t: V2Target, c: Caller, repo: string, f: Fixtures) => Promise<void>;
}

const REPO_TARGETS: V2Target[] = [...REPOS];
const OBJECT_TARGETS: V2Target[] = [...REPOS, 'idor'];
/** The repository a row names in its path. */
const repoOf = (t: V2Target): string => (t === 'idor' ? 'own/app' : t);
/** The repository whose objects a row uses. */
const sourceOf = (t: V2Target): Repo => (t === 'idor' ? 'other/app' : (t as Repo));
const slug = (c: V2Caller): string => c.toLowerCase();
/** A repository per caller for mounts, beside the target's (so `own/app-m-…` stays in `app*`). */
const mountDestination = (repo: string, c: V2Caller): string => `${repo}-m-${slug(c)}`;
const scopeOf = (repo: string, actions: string): string => `repository:${repo}:${actions}`;

function mountRow(from: Repo): V2Endpoint {
  return {
    name: `POST blobs/uploads/?mount&from=${from}`,
    targets: REPO_TARGETS,
    needs: ['pull', 'push'],
    scope: (repo, c) =>
      `${scopeOf(mountDestination(repo, c), 'pull,push')} ${scopeOf(from, 'pull')}`,
    request: (repo, _t, f, c) => ({
      method: 'POST',
      path: `${mountDestination(repo, c)}/blobs/uploads/?mount=${f.pushed[from].config}&from=${from}`,
    }),
    ok: 201,
    // Pushing is what the route needs; pulling `from` decides between a mount and an upload.
    expected: (c, repo) => {
      const dest = allowedActions(c, repo);
      if (!dest.includes('push') || !dest.includes('pull')) return 401;
      return allowedActions(c, from).includes('pull') ? 201 : 202;
    },
    check: async (res, _t, c, repo, f) => {
      const linked = await v2AsAdmin(
        'HEAD',
        `${mountDestination(repo, c)}/blobs/${f.pushed[from].config}`,
      );
      expect(linked.status, 'the blob is in the destination only after a mount').toBe(
        res.status === 201 ? 200 : 404,
      );
    },
  };
}

const V2: V2Endpoint[] = [
  {
    name: 'GET /v2/',
    targets: ['-'],
    needs: 'nothing',
    scope: () => '',
    request: () => ({ method: 'GET', path: '' }),
    ok: 200,
  },
  {
    name: 'GET /v2/_catalog',
    targets: ['-'],
    needs: 'catalog',
    scope: () => 'registry:catalog:*',
    request: () => ({ method: 'GET', path: '_catalog' }),
    ok: 200,
  },
  {
    name: 'GET tags/list',
    targets: REPO_TARGETS,
    needs: ['pull'],
    scope: (repo) => scopeOf(repo, 'pull'),
    request: (repo) => ({ method: 'GET', path: `${repo}/tags/list` }),
    ok: 200,
  },
  {
    name: 'GET manifests/<tag>',
    targets: REPO_TARGETS,
    needs: ['pull'],
    scope: (repo) => scopeOf(repo, 'pull'),
    request: (repo) => ({
      method: 'GET',
      path: `${repo}/manifests/v1`,
      headers: { accept: OCI_MANIFEST },
    }),
    ok: 200,
  },
  {
    name: 'GET manifests/<digest>',
    targets: OBJECT_TARGETS,
    needs: ['pull'],
    scope: (repo) => scopeOf(repo, 'pull'),
    request: (repo, t, f) => ({
      method: 'GET',
      path: `${repo}/manifests/${f.pushed[sourceOf(t)].image}`,
      headers: { accept: OCI_MANIFEST },
    }),
    ok: 200,
    check: async (res, t, _c, _r, f) => {
      if (t === 'idor') await expectOciError(res, 'MANIFEST_UNKNOWN');
      else expect(await res.text()).toBe(f.pushed[sourceOf(t)].imageBody);
    },
  },
  {
    name: 'HEAD manifests/<digest>',
    targets: OBJECT_TARGETS,
    needs: ['pull'],
    scope: (repo) => scopeOf(repo, 'pull'),
    request: (repo, t, f) => ({
      method: 'HEAD',
      path: `${repo}/manifests/${f.pushed[sourceOf(t)].image}`,
      headers: { accept: OCI_MANIFEST },
    }),
    ok: 200,
  },
  {
    name: 'PUT manifests/<tag>',
    targets: OBJECT_TARGETS,
    needs: ['pull', 'push'],
    scope: (repo) => scopeOf(repo, 'pull,push'),
    // idor: a manifest over another project's blobs, which would make them pullable here.
    request: (repo, t, f) => ({
      method: 'PUT',
      path: `${repo}/manifests/matrix`,
      headers: { 'content-type': OCI_MANIFEST },
      body: f.pushed[sourceOf(t)].imageBody,
    }),
    ok: 201,
    okIdor: 400,
    check: async (res, t) => {
      if (t === 'idor') await expectOciError(res, 'MANIFEST_BLOB_UNKNOWN');
    },
  },
  {
    name: 'DELETE manifests/<digest>',
    targets: OBJECT_TARGETS,
    needs: ['delete'],
    scope: (repo) => scopeOf(repo, 'delete'),
    request: (repo, t, f) => ({
      method: 'DELETE',
      path: `${repo}/manifests/${t === 'idor' ? f.pushed['other/app'].image : ZERO_DIGEST}`,
    }),
    ok: 404,
    check: (res) => expectOciError(res, 'MANIFEST_UNKNOWN'),
  },
  {
    name: 'GET blobs/<digest>',
    targets: OBJECT_TARGETS,
    needs: ['pull'],
    scope: (repo) => scopeOf(repo, 'pull'),
    request: (repo, t, f) => ({
      method: 'GET',
      path: `${repo}/blobs/${f.pushed[sourceOf(t)].config}`,
    }),
    ok: 200,
    check: async (res, t) => {
      if (t === 'idor') await expectOciError(res, 'BLOB_UNKNOWN');
    },
  },
  {
    name: 'HEAD blobs/<digest>',
    targets: OBJECT_TARGETS,
    needs: ['pull'],
    scope: (repo) => scopeOf(repo, 'pull'),
    request: (repo, t, f) => ({
      method: 'HEAD',
      path: `${repo}/blobs/${f.pushed[sourceOf(t)].layer}`,
    }),
    ok: 200,
  },
  {
    name: 'DELETE blobs/<digest>',
    targets: OBJECT_TARGETS,
    needs: ['delete'],
    scope: (repo) => scopeOf(repo, 'delete'),
    request: (repo, t, f) => ({
      method: 'DELETE',
      path: `${repo}/blobs/${t === 'idor' ? f.pushed['other/app'].config : ZERO_DIGEST}`,
    }),
    ok: 404,
    check: (res) => expectOciError(res, 'BLOB_UNKNOWN'),
  },
  {
    name: 'POST blobs/uploads/',
    targets: REPO_TARGETS,
    needs: ['pull', 'push'],
    scope: (repo) => scopeOf(repo, 'pull,push'),
    request: (repo) => ({ method: 'POST', path: `${repo}/blobs/uploads/` }),
    ok: 202,
  },
  {
    name: 'POST blobs/uploads/?digest (monolithic)',
    targets: REPO_TARGETS,
    needs: ['pull', 'push'],
    scope: (repo) => scopeOf(repo, 'pull,push'),
    request: (repo) => ({
      method: 'POST',
      path: `${repo}/blobs/uploads/?digest=${sha(CHUNK)}`,
      headers: { 'content-type': 'application/octet-stream' },
      body: CHUNK,
    }),
    ok: 201,
  },
  mountRow('other/app'),
  mountRow('pub/app'),
  {
    name: 'GET blobs/uploads/<id>',
    targets: OBJECT_TARGETS,
    needs: ['pull', 'push'],
    scope: (repo) => scopeOf(repo, 'pull,push'),
    request: (repo, t, f) => ({
      method: 'GET',
      path: `${repo}/blobs/uploads/${f.pushed[sourceOf(t)].session}`,
    }),
    ok: 204,
    check: async (res, t) => {
      if (t === 'idor') await expectOciError(res, 'BLOB_UPLOAD_UNKNOWN');
    },
  },
  {
    name: 'PATCH blobs/uploads/<id>',
    targets: OBJECT_TARGETS,
    needs: ['pull', 'push'],
    scope: (repo) => scopeOf(repo, 'pull,push'),
    prepare: freshSession,
    request: (repo, _t, _f, _c, session) => ({
      method: 'PATCH',
      path: `${repo}/blobs/uploads/${session}`,
      headers: { 'content-type': 'application/octet-stream' },
      body: CHUNK,
    }),
    ok: 202,
  },
  {
    name: 'PUT blobs/uploads/<id>?digest',
    targets: OBJECT_TARGETS,
    needs: ['pull', 'push'],
    scope: (repo) => scopeOf(repo, 'pull,push'),
    prepare: freshSession,
    request: (repo, _t, _f, _c, session) => ({
      method: 'PUT',
      path: `${repo}/blobs/uploads/${session}?digest=${sha(CHUNK)}`,
      headers: { 'content-type': 'application/octet-stream' },
      body: CHUNK,
    }),
    ok: 201,
  },
  {
    name: 'DELETE blobs/uploads/<id>',
    targets: OBJECT_TARGETS,
    needs: ['pull', 'push'],
    scope: (repo) => scopeOf(repo, 'pull,push'),
    prepare: freshSession,
    request: (repo, _t, _f, _c, session) => ({
      method: 'DELETE',
      path: `${repo}/blobs/uploads/${session}`,
    }),
    ok: 204,
  },
  {
    name: 'GET referrers/<digest>',
    targets: OBJECT_TARGETS,
    needs: ['pull'],
    scope: (repo) => scopeOf(repo, 'pull'),
    request: (repo, t, f) => ({
      method: 'GET',
      path: `${repo}/referrers/${f.pushed[sourceOf(t)].image}`,
    }),
    ok: 200,
    // Another project's referrers never show under a repository that shares the subject digest.
    okIdor: 200,
    check: async (res, t, _c, _r, f) => {
      const index = (await res.json()) as { manifests: Array<{ digest: string }> };
      expect(index.manifests.map((m) => m.digest)).toEqual(
        t === 'idor' ? [] : [f.pushed[sourceOf(t)].referrer],
      );
    },
  },
];

const CHUNK = Buffer.from('one chunk of a blob');

function expectedV2(e: V2Endpoint, c: V2Caller, t: V2Target): number {
  if (c === 'noToken') return 401;
  const repo = repoOf(t);
  if (e.expected) return e.expected(c, repo);
  const may =
    e.needs === 'nothing' ||
    (e.needs === 'catalog'
      ? c === 'sysadmin'
      : e.needs.every((a) => allowedActions(c, repo).includes(a)));
  if (!may) return 401;
  return t === 'idor' ? (e.okIdor ?? 404) : e.ok;
}

/** The token a caller should get: requested ∩ allowed, entry by entry, empty entries dropped. */
function expectedAccess(c: Caller, scope: string): RegistryAccessEntry[] {
  const granted: RegistryAccessEntry[] = [];
  for (const s of scope.split(' ').filter(Boolean)) {
    const [type, name, actions] = s.split(':');
    if (type === 'registry') {
      if (c === 'sysadmin') granted.push({ type, name, actions: actions.split(',') });
      continue;
    }
    const allowed = allowedActions(c, name);
    const kept = actions.split(',').filter((a) => (allowed as string[]).includes(a));
    if (kept.length > 0) granted.push({ type: 'repository', name, actions: kept });
  }
  return granted;
}

const ROW_CONCURRENCY = 6;

/**
 * Runs an endpoint's rows a few at a time and fails with every row that answered otherwise,
 * each named by caller and target.
 */
async function everyRow<R extends { label: string; status: number }>(
  rows: readonly R[],
  row: (r: R) => Promise<void>,
): Promise<void> {
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const r = rows[next++];
      await row(r).catch((e: unknown) =>
        failures.push(`${r.label} → ${r.status}: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
  };
  await Promise.all(Array.from({ length: ROW_CONCURRENCY }, worker));
  expect(failures.sort()).toEqual([]);
}

const accessText = (access: RegistryAccessEntry[]): string =>
  access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`).join(' ') || '(nothing)';

async function expectOciError(res: Response, code: string): Promise<void> {
  const body = (await res.json()) as { errors: Array<{ code: string }> };
  expect(body.errors[0].code).toBe(code);
}

// ---------------------------------------------------------------------------------------------
// Booting, credentials and fixtures.

let service: RunningService;
let base: string;
let dataDir: string;
const f = {} as Fixtures;
const sessions = new Map<Caller, { cookie: string; csrf: string }>();
const tokens = new Map<string, Promise<string>>();

function credentialsOf(c: Caller): string | undefined {
  if (c === 'anonymous') return undefined;
  if (c === 'sysadmin') return basic('admin', ADMIN_PASSWORD);
  if (isRobot(c)) return basic(f.robotSecret[c].name, f.robotSecret[c].secret);
  return basic(USERNAMES[c], PASSWORD);
}

/** API headers: users ride their portal session (Basic would cost a password hash per row), robots Basic. */
function apiHeaders(c: Caller): Record<string, string> {
  if (c === 'anonymous') return {};
  if (isRobot(c)) return { authorization: credentialsOf(c)! };
  const s = sessions.get(c)!;
  return { cookie: s.cookie, [CSRF_HEADER]: s.csrf };
}

function api(c: Caller, method: string, p: string, body?: unknown): Promise<Response> {
  return fetch(`${base}/api/v2.0${p}`, {
    method,
    headers: {
      ...apiHeaders(c),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A token from /service/token as a client asks for it (anonymous: no credentials), one per scope. */
function tokenFor(c: Caller, scope: string): Promise<string> {
  const key = `${c} ${scope}`;
  let token = tokens.get(key);
  if (!token) {
    const query = new URLSearchParams({ service: 'berth-registry' });
    if (scope) query.set('scope', scope);
    const authorization = credentialsOf(c);
    token = fetch(`${base}/service/token?${query.toString()}`, {
      headers: authorization ? { authorization } : {},
    }).then(async (res) => {
      expect(res.status, `token for ${key}`).toBe(200);
      return ((await res.json()) as { token: string }).token;
    });
    tokens.set(key, token);
  }
  return token;
}

async function v2(token: string | undefined, r: V2Request): Promise<Response> {
  return fetch(`${base}/v2/${r.path}`, {
    method: r.method,
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...r.headers },
    body: r.body,
  });
}

async function v2AsAdmin(
  method: string,
  p: string,
  init: Partial<V2Request> = {},
): Promise<Response> {
  const repo = p.replace(/\/(blobs|manifests|tags)\/.*$/, '');
  return v2(await tokenFor('sysadmin', scopeOf(repo, 'pull,push,delete')), {
    method,
    path: p,
    ...init,
  });
}

/** An upload session opened by the system admin in the repository whose objects the row uses. */
async function freshSession(t: V2Target): Promise<string> {
  const res = await v2AsAdmin('POST', `${sourceOf(t)}/blobs/uploads/`);
  expect(res.status).toBe(202);
  return res.headers.get('docker-upload-uuid')!;
}

let serial = 0;
/** Objects destroyed by a row, made for that row alone. */
const fresh = {
  async robot(t: ApiTarget, c: Caller): Promise<number> {
    const name = `d-${slug(c)}-${++serial}`;
    const body =
      t === 'system'
        ? { name, level: 'system', permissions: [pullOn('own')] }
        : { name, level: 'project', permissions: [pullOn(t)] };
    const res = await api('sysadmin', 'POST', '/robots', body);
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: number }).id;
  },
  async user(c: Caller): Promise<number> {
    const username = `d-${slug(c)}-${++serial}`;
    const user = await service.app.get(UserRepository).create({
      username,
      email: `${username}@example.test`,
      realname: '',
      comment: '',
      passwordHash: null,
      sysadmin: false,
    });
    return user.id;
  },
};

async function pushRepository(repo: Repo): Promise<Pushed> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', repo }));
  const layer = Buffer.from(`the only layer of ${repo}`);
  for (const blob of [config, layer]) {
    const res = await v2AsAdmin('POST', `${repo}/blobs/uploads/?digest=${sha(blob)}`, {
      headers: { 'content-type': 'application/octet-stream' },
      body: blob,
    });
    expect(res.status).toBe(201);
  }
  const image = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha(config),
      size: config.length,
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: sha(layer),
        size: layer.length,
      },
    ],
  };
  const imageBody = JSON.stringify(image);
  const put = async (ref: string, body: string): Promise<void> => {
    const res = await v2AsAdmin('PUT', `${repo}/manifests/${ref}`, {
      headers: { 'content-type': OCI_MANIFEST },
      body,
    });
    expect(res.status).toBe(201);
  };
  await put('v1', imageBody);
  const referrerBody = JSON.stringify({
    ...image,
    artifactType: 'application/vnd.example.sbom',
    subject: { mediaType: OCI_MANIFEST, digest: sha(imageBody), size: imageBody.length },
  });
  await put(sha(referrerBody), referrerBody);
  const session = await v2AsAdmin('POST', `${repo}/blobs/uploads/`);
  expect(session.status).toBe(202);
  return {
    config: sha(config),
    layer: sha(layer),
    image: sha(imageBody),
    imageBody,
    referrer: sha(referrerBody),
    session: session.headers.get('docker-upload-uuid')!,
  };
}

async function createRobot(
  body: Record<string, unknown>,
): Promise<{ id: number; name: string; secret: string }> {
  const res = await api('sysadmin', 'POST', '/robots', body);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: number; name: string; secret: string };
}

async function login(c: Caller, username: string, password: string): Promise<void> {
  const res = await fetch(`${base}/c/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ principal: username, password }).toString(),
  });
  expect(res.status).toBe(200);
  sessions.set(c, {
    cookie: (res.headers.get('set-cookie') ?? '').split(';', 1)[0],
    csrf: res.headers.get(CSRF_HEADER)!,
  });
}

describe('authorization matrix: caller × endpoint × project, /v2/ and /api/v2.0 (all-in-one)', () => {
  beforeAll(async () => {
    ({ service, base, dataDir } = await startTestBerth('berth-authz-', ADMIN_PASSWORD));
    const createUser = service.app.get(CreateUserUseCase);
    f.userId = {};
    for (const username of [...Object.values(USERNAMES), 'm-bystander']) {
      const user = await createUser.execute(ADMIN, {
        username,
        email: `${username}@example.test`,
        password: PASSWORD,
      });
      f.userId[username] = user.id;
    }
    f.bystander = f.userId['m-bystander'];
    await Promise.all([
      login('sysadmin', 'admin', ADMIN_PASSWORD),
      ...(Object.entries(USERNAMES) as Array<[Role | 'nonMember', string]>).map(([c, u]) =>
        login(c, u, PASSWORD),
      ),
    ]);

    f.projectId = {} as Fixtures['projectId'];
    f.memberId = {} as Fixtures['memberId'];
    for (const p of PROJECTS) {
      const res = await api('sysadmin', 'POST', '/projects', {
        project_name: p,
        metadata: { public: String(p === 'pub') },
      });
      expect(res.status).toBe(201);
      f.projectId[p] = Number(res.headers.get('location')!.split('/').pop());
      const members = (await (
        await api('sysadmin', 'GET', `/projects/${p}/members`)
      ).json()) as Array<{
        id: number;
        entity_name: string;
      }>;
      f.memberId[p] = members.find((m) => m.entity_name === 'admin')!.id;
    }
    for (const role of ROLES) {
      const res = await api('sysadmin', 'POST', '/projects/own/members', {
        role_id: ROLE_ID[role],
        member_user: { username: USERNAMES[role] },
      });
      expect(res.status).toBe(201);
    }

    f.robotSecret = {} as Fixtures['robotSecret'];
    for (const r of ROBOTS) {
      const g = ROBOT_GRANTS[r];
      f.robotSecret[r] = await createRobot({
        name: slug(r),
        level: g.level,
        permissions: [
          {
            kind: 'project',
            namespace: 'own',
            access: g.actions.map((action) => ({ resource: 'repository', action })),
            ...(g.prefix !== undefined && { repository: `${g.prefix}*` }),
          },
        ],
      });
    }
    f.robotId = {} as Fixtures['robotId'];
    for (const p of PROJECTS)
      f.robotId[p] = (
        await createRobot({ name: 'm', level: 'project', permissions: [pullOn(p)] })
      ).id;
    f.robotId.system = (
      await createRobot({ name: 'm-system', level: 'system', permissions: [pullOn('own')] })
    ).id;

    f.pushed = {} as Fixtures['pushed'];
    for (const repo of REPOS) f.pushed[repo] = await pushRepository(repo);

    f.policyId = {} as Fixtures['policyId'];
    f.executionId = {} as Fixtures['executionId'];
    f.pushLogIds = {} as Fixtures['pushLogIds'];
    const jobs = service.app.get(DataSource).getRepository(WebhookJobEntity);
    for (const p of PROJECTS) {
      const res = await api(
        'sysadmin',
        'POST',
        `/projects/${p}/webhook/policies`,
        hookPolicy('m-hook'),
      );
      expect(res.status).toBe(201);
      f.policyId[p] = Number(res.headers.get('location')!.split('/').pop());
      // A delivery already made: written as the dispatcher leaves it, so nothing is sent.
      const now = new Date().toISOString();
      const job = await jobs.save(
        jobs.create({
          policyId: f.policyId[p],
          projectId: f.projectId[p],
          eventId: randomUUID(),
          targetIndex: 0,
          eventType: 'QUOTA_EXCEED',
          vendorType: 'WEBHOOK',
          address: HOOK_TARGET,
          contentType: 'application/json',
          payload: '{}',
          status: 'Success',
          statusMessage: '',
          attempts: 1,
          nextAttemptAt: 0,
          leaseUntil: 0,
          claim: null,
          creationTime: now,
          startTime: now,
          endTime: now,
          updateTime: now,
        }),
      );
      f.executionId[p] = job.id;
    }
    f.purgeId = (await service.app.get(AuditPurgeService).run('MANUAL', {
      auditRetentionHour: 24 * 365,
      includeOperations: ['pull'],
      dryRun: true,
    }))!.id;
    // The audit log is written by the notifier, after the pushes: wait for every project's.
    const deadline = Date.now() + 15_000;
    for (const p of PROJECTS) {
      for (;;) {
        const res = await api('sysadmin', 'GET', `/projects/${p}/logs?${PUSH_LOGS}`);
        const ids = ((await res.json()) as Array<{ id: number }>).map((r) => r.id);
        // Two manifests per repository: the tagged image and its referrer.
        if (ids.length >= 2 * REPOS.filter((r) => r.startsWith(`${p}/`)).length) {
          f.pushLogIds[p] = ids;
          break;
        }
        if (Date.now() > deadline) throw new Error(`no audit log rows of ${p}'s pushes`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  afterAll(async () => {
    await service?.app.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('has a row for every operation of the OpenAPI document', async () => {
    const doc = (await (await fetch(`${base}/api/v2.0/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const inTable = new Set(API.map((e) => e.route));
    expect(documented.filter((op) => !inTable.has(op))).toEqual([]);
    expect(
      [...inTable].filter((op) => !documented.includes(op) && op !== 'HEAD /projects'),
    ).toEqual([]);
  });

  describe('/api/v2.0', () => {
    const tests = API.map((e) => {
      const rows = (e.targets ?? TARGETS_OF[e.kind]).flatMap((t) =>
        CALLERS.map((c) => ({ label: `${c} on ${t}`, c, t, status: expectedApi(e, c, t) })),
      );
      return [`${e.route}${e.what ? ` (${e.what})` : ''}`, rows.length, e, rows] as const;
    });
    it.each(tests)('%s: %i rows', async (_n, _count, e, rows) => {
      const method = e.route.split(' ')[0];
      await everyRow(rows, async ({ c, t, status }) => {
        const prepared = e.prepare ? await e.prepare(t, c) : 0;
        const res = await api(c, method, e.path(t, f, c, prepared), e.body?.(t, f));
        expect(res.status).toBe(status);
        if ((status === 401 || status === 403) && method !== 'HEAD') {
          const body = (await res.json()) as { errors: Array<{ code: string }> };
          expect(body.errors[0].code).toBe(status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
        } else if (status === e.ok && e.check) {
          await e.check(res, c, t);
        }
      });
    });
  });

  describe('/v2/', () => {
    const callers: V2Caller[] = [...CALLERS, 'noToken'];
    const tests = V2.map((e) => {
      const rows = e.targets.flatMap((t) =>
        callers.map((c) => ({ label: `${c} on ${t}`, c, t, status: expectedV2(e, c, t) })),
      );
      return [e.name, rows.length, e, rows] as const;
    });
    it.each(tests)('%s: %i rows', async (_n, _count, e, rows) => {
      await everyRow(rows, async ({ c, t, status }) => {
        const repo = repoOf(t);
        const scope = e.scope(repo, c);
        let token: string | undefined;
        if (c !== 'noToken') {
          token = await tokenFor(c, scope);
          expect(accessText(claimsOf(token).access), 'granted access').toBe(
            accessText(expectedAccess(c, scope)),
          );
        }
        const prepared = e.prepare ? await e.prepare(t) : '';
        const request = e.request(repo, t, f, c, prepared);
        const res = await v2(token, request);
        expect(res.status).toBe(status);
        if (status === 401) {
          const challenge = res.headers.get('www-authenticate') ?? '';
          expect(challenge).toMatch(/^Bearer realm="[^"]+",service="berth-registry"/);
          if (c !== 'noToken') expect(challenge).toContain('error="insufficient_scope"');
          if (request.method !== 'HEAD') await expectOciError(res, 'UNAUTHORIZED');
        } else if (e.check && c !== 'noToken') {
          await e.check(res, t, c, repo, f);
        }
      });
    });
  });

  it('answers a user’s Basic credentials as it answers the same user’s session', async () => {
    const probes = API.filter((e) =>
      ['GET /projects/{project_name_or_id}/members', 'PUT /projects/{project_name_or_id}'].includes(
        e.route,
      ),
    );
    const users = CALLERS.filter((c) => c === 'sysadmin' || c === 'nonMember' || isRole(c));
    const rows = probes.flatMap((e) =>
      users.map((c) => ({ label: `${e.route} as ${c}`, c, e, status: expectedApi(e, c, 'own') })),
    );
    await everyRow(rows, async ({ c, e, status }) => {
      const [method] = e.route.split(' ');
      const res = await fetch(`${base}/api/v2.0${e.path('own', f, c, 0)}`, {
        method,
        headers: { authorization: credentialsOf(c)!, 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : JSON.stringify(e.body?.('own', f)),
      });
      expect(res.status).toBe(status);
    });
  });

  it('left every object of the other project as it was', async () => {
    const member = (await (
      await api('sysadmin', 'GET', `/projects/other/members/${f.memberId.other}`)
    ).json()) as { role_id: number };
    expect(member.role_id).toBe(1);
    const other = f.pushed['other/app'];
    const artifact = (await (
      await api('sysadmin', 'GET', `/projects/other/repositories/app/artifacts/${other.image}`)
    ).json()) as { tags: Array<{ name: string }> };
    expect(artifact.tags.map((t) => t.name)).toContain('v1');
    expect((await v2AsAdmin('HEAD', `other/app/blobs/${other.config}`)).status).toBe(200);
    expect((await v2AsAdmin('GET', `other/app/blobs/uploads/${other.session}`)).status).toBe(204);
    expect((await api('sysadmin', 'GET', '/projects/own/repositories/other%252Fapp')).status).toBe(
      404,
    );
  });
});
