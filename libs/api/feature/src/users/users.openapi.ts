import type { OpenApiSchema } from '@berth/api/domain';
import type {
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
} from '../openapi.document';

/** Harbor's users endpoints (swagger tag `user`), merged into openapi.document.ts. */

interface UsersOperation extends OpenApiOperation {
  requestBody?: {
    description: string;
    required: boolean;
    content: Record<string, { schema: OpenApiSchema }>;
  };
}

const schema = (name: string): OpenApiSchema => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string): { $ref: string } => ({ $ref: `#/components/parameters/${name}` });
const json = (s: OpenApiSchema): Record<string, { schema: OpenApiSchema }> => ({
  'application/json': { schema: s },
});
const body = (description: string, name: string): UsersOperation['requestBody'] => ({
  description,
  required: true,
  content: json(schema(name)),
});
// Inline rather than $ref, so tests can read each answer's schema directly.
const error = (description: string): OpenApiResponse => ({
  description,
  content: json(schema('Errors')),
});
const ok = (description: string): OpenApiResponse => ({ description });
const pageHeaders: OpenApiResponse['headers'] = {
  'X-Total-Count': { description: 'The total count of matches.', schema: { type: 'integer' } },
  Link: { description: 'Links to the previous and next pages.', schema: { type: 'string' } },
};

const userId: OpenApiParameter = {
  name: 'user_id',
  in: 'path',
  required: true,
  description: 'The ID of the user.',
  schema: { type: 'integer', format: 'int64' },
};

const tags = ['user'];
const unauthorized = error(
  'Unauthorized: no or bad credentials, or a session write without CSRF token.',
);
const forbidden = error('Forbidden');
const notFound = error('Not found');
const badRequest = error('Bad request');
const invalidId = error('The user_id is not an integer.');

export const usersPaths: Record<string, Record<string, UsersOperation>> = {
  '/users': {
    get: {
      operationId: 'listUsers',
      summary: 'List users (system admin). q filters on username and email.',
      tags,
      parameters: [param('page'), param('pageSize'), param('query'), param('sort')],
      responses: {
        '200': {
          description: 'A page of users.',
          headers: pageHeaders,
          content: json({ type: 'array', items: schema('UserResp') }),
        },
        '400': badRequest,
        '401': unauthorized,
        '403': forbidden,
        '422': error('Invalid paging parameters'),
      },
    },
    post: {
      operationId: 'createUser',
      summary: 'Create a local user (system admin; self-registration is off).',
      tags,
      requestBody: body('The new user.', 'UserCreationReq'),
      responses: {
        '201': {
          description: 'Created.',
          headers: {
            Location: { description: 'The URL of the new user.', schema: { type: 'string' } },
          },
        },
        '400': badRequest,
        '401': unauthorized,
        '403': forbidden,
        '409': error('The username or email is taken.'),
      },
    },
  },
  '/users/current': {
    get: {
      operationId: 'getCurrentUserInfo',
      summary: 'The calling user.',
      tags,
      responses: {
        '200': { description: 'The user.', content: json(schema('UserResp')) },
        '401': unauthorized,
      },
    },
  },
  '/users/current/password': {
    put: {
      operationId: 'updateCurrentUserPassword',
      summary: 'Change one’s own password, proving the old one.',
      tags,
      requestBody: body('The old and new password.', 'PasswordReq'),
      responses: {
        '200': ok('Changed.'),
        '400': badRequest,
        '401': unauthorized,
        '403': error('The old password is incorrect.'),
      },
    },
  },
  '/users/search': {
    get: {
      operationId: 'searchUsers',
      summary: 'Find users by a username prefix (any signed-in user); only ids and names.',
      tags,
      parameters: [
        param('page'),
        param('pageSize'),
        {
          name: 'username',
          in: 'query',
          required: true,
          description: 'The start of the username.',
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': {
          description: 'A page of matches, at most 20.',
          headers: pageHeaders,
          content: json({ type: 'array', items: schema('UserSearchRespItem') }),
        },
        '400': badRequest,
        '401': unauthorized,
        '422': error('Invalid paging parameters'),
      },
    },
  },
  '/users/{user_id}': {
    get: {
      operationId: 'getUser',
      summary: 'A user (themselves or a system admin).',
      tags,
      parameters: [userId],
      responses: {
        '200': { description: 'The user.', content: json(schema('UserResp')) },
        '401': unauthorized,
        '403': forbidden,
        '404': notFound,
        '422': invalidId,
      },
    },
    put: {
      operationId: 'updateUserProfile',
      summary: 'Update email, realname and comment (themselves or a system admin).',
      tags,
      parameters: [userId],
      requestBody: body('The profile; other fields are ignored.', 'UserProfile'),
      responses: {
        '200': ok('Updated.'),
        '400': badRequest,
        '401': unauthorized,
        '403': forbidden,
        '404': notFound,
        '409': error('The email is taken.'),
        '422': invalidId,
      },
    },
    delete: {
      operationId: 'deleteUser',
      summary: 'Delete a user (system admin, not themselves).',
      tags,
      parameters: [userId],
      responses: {
        '200': ok('Deleted.'),
        '401': unauthorized,
        '403': forbidden,
        '404': notFound,
        '422': invalidId,
      },
    },
  },
  '/users/{user_id}/password': {
    put: {
      operationId: 'updateUserPassword',
      summary: 'Change a password: the user with old_password, or a system admin for someone else.',
      tags,
      parameters: [userId],
      requestBody: body('The old and new password.', 'PasswordReq'),
      responses: {
        '200': ok('Changed.'),
        '400': badRequest,
        '401': unauthorized,
        '403': error('Not allowed, or the old password is incorrect.'),
        '404': notFound,
        '422': invalidId,
      },
    },
  },
  '/users/{user_id}/sysadmin': {
    put: {
      operationId: 'setUserSysAdmin',
      summary: 'Grant or revoke the system admin role (system admin).',
      tags,
      parameters: [userId],
      requestBody: body('The flag.', 'UserSysAdminFlag'),
      responses: {
        '200': ok('Set.'),
        '400': badRequest,
        '401': unauthorized,
        '403': forbidden,
        '404': notFound,
        '409': error('The last system admin cannot lose the role.'),
        '422': invalidId,
      },
    },
  },
  '/users/{user_id}/cli_secret': {
    put: {
      operationId: 'setCliSecret',
      summary:
        'Set the CLI secret (themselves or a system admin); without one in the body, Berth generates it.',
      tags,
      parameters: [userId],
      requestBody: {
        description: 'The secret to set; omit it (or the body) to have one generated.',
        required: false,
        content: json(schema('OIDCCliSecretReq')),
      },
      responses: {
        '200': {
          description: 'Set. A generated secret is in the body, shown this once.',
          content: json(schema('CliSecret')),
        },
        '400': badRequest,
        '401': unauthorized,
        '403': forbidden,
        '404': notFound,
        '422': invalidId,
      },
    },
  },
};

const userFields = {
  email: { type: 'string', description: 'The email address.' },
  realname: { type: 'string', description: 'The full name.' },
  comment: { type: 'string', description: 'A comment, at most 30 characters.' },
} as const;

export const usersSchemas: OpenApiDocument['components']['schemas'] = {
  UserResp: {
    type: 'object',
    additionalProperties: false,
    required: [
      'user_id',
      'username',
      'email',
      'realname',
      'comment',
      'sysadmin_flag',
      'admin_role_in_auth',
      'creation_time',
      'update_time',
    ],
    properties: {
      user_id: { type: 'integer', format: 'int64' },
      username: { type: 'string' },
      ...userFields,
      sysadmin_flag: { type: 'boolean', description: 'Whether the user is a system admin.' },
      admin_role_in_auth: {
        type: 'boolean',
        description: 'Whether an external auth source made the user an admin; always false.',
      },
      creation_time: { type: 'string', format: 'date-time' },
      update_time: { type: 'string', format: 'date-time' },
    },
  },
  UserCreationReq: {
    type: 'object',
    required: ['username', 'email', 'password'],
    properties: {
      username: { type: 'string', description: 'Without any of ,"~#%$ or ":".' },
      ...userFields,
      password: {
        type: 'string',
        description: '8 to 128 characters with an upper and lower case letter and a digit.',
      },
    },
  },
  UserProfile: { type: 'object', properties: { ...userFields } },
  PasswordReq: {
    type: 'object',
    required: ['new_password'],
    properties: {
      old_password: { type: 'string', description: 'Required when changing one’s own.' },
      new_password: { type: 'string', description: 'Harbor’s password rule.' },
    },
  },
  UserSysAdminFlag: {
    type: 'object',
    required: ['sysadmin_flag'],
    properties: { sysadmin_flag: { type: 'boolean' } },
  },
  UserSearchRespItem: {
    type: 'object',
    additionalProperties: false,
    required: ['user_id', 'username'],
    properties: { user_id: { type: 'integer', format: 'int64' }, username: { type: 'string' } },
  },
  OIDCCliSecretReq: {
    type: 'object',
    properties: {
      secret: { type: 'string', description: 'The new secret, under the password rule.' },
    },
  },
  CliSecret: {
    type: 'object',
    additionalProperties: false,
    required: ['secret'],
    properties: { secret: { type: 'string', description: 'The generated CLI secret.' } },
  },
};
