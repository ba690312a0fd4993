import type { OpenApiSchema } from '@berth/api/domain';
import { cveAllowlistSchema } from '../system-cve-allowlist/cve-allowlist-resp';
import type {
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
} from '../openapi.document';

/** Harbor's projects, members and metadata paths (HEAD /projects is served but, as a HEAD, not listed). */

// Inline, not `$ref`s: the API's conformance test reads each response's content directly.
const r = (name: string): OpenApiResponse => ({
  description: name.replace(/([a-z])([A-Z])/g, '$1 $2'),
  headers: {
    'X-Request-Id': { description: 'The ID of the request', schema: { type: 'string' } },
  },
  content: json({ $ref: '#/components/schemas/Errors' }),
});
const p = (name: string): { $ref: string } => ({ $ref: `#/components/parameters/${name}` });
const json = (schema: OpenApiSchema) => ({ 'application/json': { schema } });
const ok = (description: string, schema?: OpenApiSchema) => ({
  description,
  ...(schema && { content: json(schema) }),
});

const projectParam: OpenApiParameter = {
  name: 'project_name_or_id',
  in: 'path',
  required: true,
  description: 'The project name or id; with X-Is-Resource-Name: true it is always read as a name.',
  schema: { type: 'string' },
};
const isResourceName: OpenApiParameter = {
  name: 'X-Is-Resource-Name',
  in: 'header',
  description: 'true: project_name_or_id is a name.',
  schema: { type: 'boolean', default: false },
};
const midParam: OpenApiParameter = {
  name: 'mid',
  in: 'path',
  required: true,
  description: 'The member id.',
  schema: { type: 'integer', format: 'int64' },
};
const metaParam: OpenApiParameter = {
  name: 'meta_name',
  in: 'path',
  required: true,
  description: 'The metadata name.',
  schema: { type: 'string' },
};

const stringMap: OpenApiSchema = { type: 'object', additionalProperties: { type: 'string' } };
const project: OpenApiSchema = {
  type: 'object',
  required: ['project_id', 'name', 'owner_id', 'metadata'],
  properties: {
    project_id: { type: 'integer' },
    name: { type: 'string' },
    owner_id: { type: 'integer' },
    owner_name: { type: 'string' },
    creation_time: { type: 'string', format: 'date-time' },
    update_time: { type: 'string', format: 'date-time' },
    deleted: { type: 'boolean' },
    repo_count: { type: 'integer' },
    metadata: stringMap,
    current_user_role_id: { type: 'integer' },
    current_user_role_ids: { type: 'array', items: { type: 'integer' } },
    cve_allowlist: cveAllowlistSchema,
  },
};
const member: OpenApiSchema = {
  type: 'object',
  required: ['id', 'project_id', 'entity_id', 'entity_type', 'role_id'],
  properties: {
    id: { type: 'integer' },
    project_id: { type: 'integer' },
    entity_name: { type: 'string' },
    entity_type: { type: 'string', enum: ['u'] },
    entity_id: { type: 'integer' },
    role_id: { type: 'integer', enum: [1, 2, 3, 4, 5] },
    role_name: { type: 'string' },
  },
};
const summary: OpenApiSchema = {
  type: 'object',
  required: ['repo_count'],
  properties: {
    repo_count: { type: 'integer' },
    project_admin_count: { type: 'integer' },
    maintainer_count: { type: 'integer' },
    developer_count: { type: 'integer' },
    guest_count: { type: 'integer' },
    limited_guest_count: { type: 'integer' },
  },
};

const errors = (...names: string[]): OpenApiOperation['responses'] =>
  Object.fromEntries(
    names.map((n) => {
      const code: Record<string, string> = {
        BadRequest: '400',
        Unauthorized: '401',
        Forbidden: '403',
        NotFound: '404',
        Conflict: '409',
        PreconditionFailed: '412',
        UnsupportedMediaType: '415',
        UnprocessableEntity: '422',
        InternalServerError: '500',
      };
      return [code[n], r(n)];
    }),
  );
const created: OpenApiResponse = {
  description: 'Created.',
  headers: {
    Location: { description: 'The URL of the created resource.', schema: { type: 'string' } },
  },
};
const onProject = [projectParam, isResourceName];
const READ = ['BadRequest', 'Unauthorized', 'Forbidden', 'NotFound', 'InternalServerError'];
const WRITE = [...READ, 'UnsupportedMediaType'];

export const projectsPaths: OpenApiDocument['paths'] = {
  '/projects': {
    get: {
      operationId: 'listProjects',
      summary:
        'Projects the caller may see: public ones and those they are a member of (all for a system admin).',
      tags: ['project'],
      parameters: [
        p('page'),
        p('pageSize'),
        p('query'),
        p('sort'),
        {
          name: 'name',
          in: 'query',
          description: 'Part of the project name.',
          schema: { type: 'string' },
        },
        {
          name: 'public',
          in: 'query',
          description: 'Public or private projects only.',
          schema: { type: 'boolean' },
        },
        {
          name: 'owner',
          in: 'query',
          description: 'The owner’s username.',
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': ok('A page of projects.', { type: 'array', items: project }),
        ...errors('BadRequest', 'Unauthorized', 'UnprocessableEntity', 'InternalServerError'),
      },
    },
    post: {
      operationId: 'createProject',
      summary:
        'Create a project; the caller becomes its project admin. Takes project_name, public, metadata and cve_allowlist.',
      tags: ['project'],
      parameters: [
        {
          name: 'X-Resource-Name-In-Location',
          in: 'header',
          description: 'true: the Location header names the project instead of giving its id.',
          schema: { type: 'boolean', default: false },
        },
      ],
      responses: {
        '201': created,
        ...errors(
          'BadRequest',
          'Unauthorized',
          'Conflict',
          'UnsupportedMediaType',
          'InternalServerError',
        ),
      },
    },
  },
  '/projects/{project_name_or_id}': {
    get: {
      operationId: 'getProject',
      summary: 'A project.',
      tags: ['project'],
      parameters: onProject,
      responses: { '200': ok('The project.', project), ...errors(...READ) },
    },
    put: {
      operationId: 'updateProject',
      summary: 'Update a project’s metadata and cve_allowlist (project admin).',
      tags: ['project'],
      parameters: onProject,
      responses: { '200': ok('Updated.'), ...errors(...WRITE) },
    },
    delete: {
      operationId: 'deleteProject',
      summary: 'Delete an empty project (project admin); 412 while it holds repositories.',
      tags: ['project'],
      parameters: onProject,
      responses: { '200': ok('Deleted.'), ...errors(...READ, 'PreconditionFailed') },
    },
  },
  '/projects/{project_name_or_id}/summary': {
    get: {
      operationId: 'getProjectSummary',
      summary: 'Repository and member counts of a project.',
      tags: ['project'],
      parameters: onProject,
      responses: { '200': ok('The summary.', summary), ...errors(...READ) },
    },
  },
  '/projects/{project_name_or_id}/members': {
    get: {
      operationId: 'listProjectMembers',
      summary: 'The project’s members.',
      tags: ['member'],
      parameters: [
        ...onProject,
        p('page'),
        p('pageSize'),
        {
          name: 'entityname',
          in: 'query',
          description: 'Only members whose name contains this.',
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': ok('A page of members.', { type: 'array', items: member }),
        ...errors(...READ, 'UnprocessableEntity'),
      },
    },
    post: {
      operationId: 'createProjectMember',
      summary:
        'Add a user (member_user.username or member_user.user_id) with a role_id (project admin).',
      tags: ['member'],
      parameters: onProject,
      responses: { '201': created, ...errors(...WRITE, 'Conflict') },
    },
  },
  '/projects/{project_name_or_id}/members/{mid}': {
    get: {
      operationId: 'getProjectMember',
      summary: 'A member of the project.',
      tags: ['member'],
      parameters: [...onProject, midParam],
      responses: { '200': ok('The member.', member), ...errors(...READ) },
    },
    put: {
      operationId: 'updateProjectMember',
      summary: 'Change a member’s role (project admin).',
      tags: ['member'],
      parameters: [...onProject, midParam],
      responses: { '200': ok('Updated.'), ...errors(...WRITE) },
    },
    delete: {
      operationId: 'deleteProjectMember',
      summary: 'Remove a member (project admin).',
      tags: ['member'],
      parameters: [...onProject, midParam],
      responses: { '200': ok('Removed.'), ...errors(...READ) },
    },
  },
  '/projects/{project_name_or_id}/metadatas': {
    get: {
      operationId: 'listProjectMetadatas',
      summary: 'The project’s metadata.',
      tags: ['projectMetadata'],
      parameters: onProject,
      responses: { '200': ok('The metadata.', stringMap), ...errors(...READ) },
    },
    post: {
      operationId: 'addProjectMetadatas',
      summary: 'Add metadata keys that are not set yet (project admin).',
      tags: ['projectMetadata'],
      parameters: onProject,
      responses: { '200': ok('Added.'), ...errors(...WRITE, 'Conflict') },
    },
  },
  '/projects/{project_name_or_id}/metadatas/{meta_name}': {
    get: {
      operationId: 'getProjectMetadata',
      summary: 'One metadata entry.',
      tags: ['projectMetadata'],
      parameters: [...onProject, metaParam],
      responses: { '200': ok('The entry.', stringMap), ...errors(...READ) },
    },
    put: {
      operationId: 'updateProjectMetadata',
      summary: 'Change one metadata entry (project admin).',
      tags: ['projectMetadata'],
      parameters: [...onProject, metaParam],
      responses: { '200': ok('Updated.'), ...errors(...WRITE) },
    },
    delete: {
      operationId: 'deleteProjectMetadata',
      summary: 'Remove one metadata entry (project admin).',
      tags: ['projectMetadata'],
      parameters: [...onProject, metaParam],
      responses: { '200': ok('Removed.'), ...errors(...READ) },
    },
  },
};
