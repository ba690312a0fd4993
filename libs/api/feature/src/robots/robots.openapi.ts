import type { OpenApiSchema } from '@berth/api/domain';
import type { OpenApiOperation, OpenApiParameter, OpenApiResponse } from '../openapi.document';

/** Harbor's robot account paths (swagger tag `robot`), merged into openapi.document.ts. */

interface RobotsOperation extends OpenApiOperation {
  requestBody?: {
    description: string;
    required: boolean;
    content: Record<string, { schema: OpenApiSchema }>;
  };
}

const json = (s: OpenApiSchema): Record<string, { schema: OpenApiSchema }> => ({
  'application/json': { schema: s },
});
// Inline rather than $ref, so tests can read each answer's schema directly.
const error = (description: string): OpenApiResponse => ({
  description,
  content: json({ $ref: '#/components/schemas/Errors' }),
});
const ok = (description: string, s?: OpenApiSchema): OpenApiResponse => ({
  description,
  ...(s && { content: json(s) }),
});
const param = (name: string): { $ref: string } => ({ $ref: `#/components/parameters/${name}` });

const access: OpenApiSchema = {
  type: 'object',
  properties: {
    resource: {
      type: 'string',
      description: 'repository, artifact, tag, project, member, metadata',
    },
    action: { type: 'string', description: 'e.g. pull, push, delete, list, read, create' },
    effect: { type: 'string', enum: ['allow', 'deny'] },
  },
};
const permission: OpenApiSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['project'] },
    namespace: { type: 'string', description: 'A project name, or * (system robots only).' },
    access: { type: 'array', items: access },
    repository: {
      type: 'string',
      description: 'Berth: a glob (`*` only) confining the permission to matching repositories.',
    },
  },
};
const robot: OpenApiSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer', format: 'int64' },
    name: { type: 'string' },
    description: { type: 'string' },
    level: { type: 'string', enum: ['system', 'project'] },
    duration: { type: 'integer', format: 'int64' },
    disable: { type: 'boolean' },
    expires_at: { type: 'integer', format: 'int64' },
    editable: { type: 'boolean' },
    permissions: { type: 'array', items: permission },
    creation_time: { type: 'string', format: 'date-time' },
    update_time: { type: 'string', format: 'date-time' },
  },
};
const robotCreate: OpenApiSchema = {
  type: 'object',
  required: ['name', 'level', 'permissions'],
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    level: { type: 'string', enum: ['system', 'project'] },
    duration: { type: 'integer', description: 'Days; -1 never expires (the default).' },
    disable: { type: 'boolean' },
    permissions: { type: 'array', items: permission },
  },
};
const robotCreated: OpenApiSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer', format: 'int64' },
    name: { type: 'string' },
    secret: { type: 'string' },
    creation_time: { type: 'string', format: 'date-time' },
    expires_at: { type: 'integer', format: 'int64' },
  },
};
const robotSec: OpenApiSchema = { type: 'object', properties: { secret: { type: 'string' } } };

const robotId: OpenApiParameter = {
  name: 'robot_id',
  in: 'path',
  required: true,
  description: 'The ID of the robot.',
  schema: { type: 'integer', format: 'int64' },
};
const tags = ['robot'];
const badRequest = error('Bad request');
const unauthorized = error('Unauthorized');
const forbidden = error('Forbidden');
const notFound = error('Not found');

export const robotsPaths: Record<string, Record<string, RobotsOperation>> = {
  '/robots': {
    get: {
      operationId: 'ListRobot',
      summary:
        'All robots for a system admin; a project’s robots with q=Level=project,ProjectID=<id>.',
      tags,
      parameters: [
        param('page'),
        param('page_size'),
        {
          name: 'q',
          in: 'query',
          description: 'Level=project,ProjectID=<id> (exact matches only).',
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': ok('The robots', { type: 'array', items: robot }),
        '400': badRequest,
        '401': unauthorized,
        '403': forbidden,
        '404': notFound,
      },
    },
    post: {
      operationId: 'CreateRobot',
      summary: 'Create a robot; its secret is in this answer only.',
      tags,
      requestBody: { description: 'The robot', required: true, content: json(robotCreate) },
      responses: {
        '201': ok('Created', robotCreated),
        '400': badRequest,
        '401': unauthorized,
        '403': forbidden,
        '404': notFound,
        '409': error('A robot of that name exists'),
      },
    },
  },
  '/robots/{robot_id}': {
    get: {
      operationId: 'GetRobotByID',
      summary: 'A robot, without its secret.',
      tags,
      parameters: [robotId],
      responses: {
        '200': ok('The robot', robot),
        '401': unauthorized,
        '403': forbidden,
        '404': notFound,
      },
    },
    put: {
      operationId: 'UpdateRobot',
      summary: 'Change description, duration, disable and permissions.',
      tags,
      parameters: [robotId],
      requestBody: { description: 'The robot', required: true, content: json(robot) },
      responses: {
        '200': ok('Updated'),
        '400': badRequest,
        '401': unauthorized,
        '403': forbidden,
        '404': notFound,
      },
    },
    patch: {
      operationId: 'RefreshSec',
      summary: 'Set the secret to `secret`, or generate one and answer it this once.',
      tags,
      parameters: [robotId],
      requestBody: {
        description: 'The new secret, or none',
        required: false,
        content: json(robotSec),
      },
      responses: {
        '200': ok('The generated secret (empty object when the caller chose it)', robotSec),
        '400': badRequest,
        '401': unauthorized,
        '403': forbidden,
        '404': notFound,
      },
    },
    delete: {
      operationId: 'DeleteRobot',
      summary: 'Delete a robot; its secret stops working at once.',
      tags,
      parameters: [robotId],
      responses: {
        '200': ok('Deleted'),
        '401': unauthorized,
        '403': forbidden,
        '404': notFound,
      },
    },
  },
};
