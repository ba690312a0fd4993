import type { OpenApiSchema } from '@berth/api/domain';
import type { OpenApiDocument, OpenApiParameter, OpenApiResponse } from '../openapi.document';

/** Harbor's repository, artifact, tag and search paths. */

const errorResp = (description: string): OpenApiResponse => ({
  description,
  headers: {
    'X-Request-Id': { description: 'The ID of the request', schema: { type: 'string' } },
  },
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } },
});
const ERROR_CODES: Record<string, string> = {
  '400': 'Bad request',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'Not found',
  '409': 'Conflict',
  '415': 'Unsupported media type',
  '422': 'Invalid paging parameters',
  '500': 'Internal server error',
};
const errors = (...codes: string[]): Record<string, OpenApiResponse> =>
  Object.fromEntries(codes.map((c) => [c, errorResp(ERROR_CODES[c])]));
const READ = ['400', '401', '403', '404', '500'];
const ok = (description: string, schema?: OpenApiSchema): OpenApiResponse => ({
  description,
  ...(schema && { content: { 'application/json': { schema } } }),
});
const paged = (description: string, items: OpenApiSchema): OpenApiResponse => ({
  ...ok(description, { type: 'array', items }),
  headers: {
    'X-Total-Count': { description: 'The total count.', schema: { type: 'integer' } },
    Link: { description: 'Links to the previous and next pages.', schema: { type: 'string' } },
  },
});
const p = (name: string): { $ref: string } => ({ $ref: `#/components/parameters/${name}` });
const path = (name: string, description: string): OpenApiParameter => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const project = path('project_name', 'The project name.');
const repository = path(
  'repository_name',
  'The repository name without the project; a "/" in it is sent as %2F, so a%252Fb for a/b.',
);
const reference = path('reference', 'A digest (sha256:…) or a tag.');
const tagName = path('tag_name', 'The tag name.');
const withTag: OpenApiParameter = {
  name: 'with_tag',
  in: 'query',
  description: 'Include the tags of each artifact.',
  schema: { type: 'boolean', default: true },
};
const withAccessory: OpenApiParameter = {
  name: 'with_accessory',
  in: 'query',
  description:
    'Include the accessories of each artifact (its signatures, SBOMs and other manifests whose subject it is), one level deep.',
  schema: { type: 'boolean', default: false },
};
const withScanOverview: OpenApiParameter = {
  name: 'with_scan_overview',
  in: 'query',
  description:
    'Include the overview of each artifact’s latest vulnerability scan (scan_overview), keyed by report MIME type (X-Accept-Vulnerabilities chooses it).',
  schema: { type: 'boolean', default: false },
};
const withSbomOverview: OpenApiParameter = {
  name: 'with_sbom_overview',
  in: 'query',
  description:
    'Include the overview of each artifact’s SBOM generation (sbom_overview), with the digest of the SBOM accessory once generated.',
  schema: { type: 'boolean', default: false },
};
const artifactReadParams = [withTag, withAccessory, withScanOverview, withSbomOverview];

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const repositorySchema: OpenApiSchema = {
  type: 'object',
  required: ['id', 'project_id', 'name', 'artifact_count', 'pull_count', 'creation_time'],
  properties: {
    id: int,
    project_id: int,
    name: str,
    description: str,
    artifact_count: int,
    pull_count: int,
    creation_time: time,
    update_time: time,
  },
};
const tagSchema: OpenApiSchema = {
  type: 'object',
  required: ['repository_id', 'artifact_id', 'name', 'push_time'],
  properties: {
    repository_id: int,
    artifact_id: int,
    name: str,
    push_time: time,
    pull_time: time,
    immutable: { type: 'boolean' },
  },
};
const accessorySchema: OpenApiSchema = {
  type: 'object',
  required: [
    'id',
    'artifact_id',
    'subject_artifact_id',
    'subject_artifact_repo',
    'subject_artifact_digest',
    'size',
    'digest',
    'type',
    'icon',
    'creation_time',
  ],
  properties: {
    id: { ...int, description: 'The id of the accessory: Berth uses its artifact id.' },
    artifact_id: int,
    subject_artifact_id: {
      ...int,
      description: 'The id of the subject artifact; 0 while the subject is not in the repository.',
    },
    subject_artifact_repo: str,
    subject_artifact_digest: str,
    size: int,
    digest: str,
    type: {
      type: 'string',
      enum: [
        'signature.cosign',
        'signature.notation',
        'sbom.harbor',
        'accelerator.nydus',
        'subject.accessory',
      ],
      description:
        'From the artifactType, else the config media type: cosign and notation signatures, Harbor’s SBOM, a nydus image, anything else.',
    },
    icon: { ...str, description: 'Always empty: Berth serves no icons.' },
    creation_time: time,
  },
};
const artifactSchema: OpenApiSchema = {
  type: 'object',
  required: ['id', 'type', 'media_type', 'manifest_media_type', 'digest', 'size', 'push_time'],
  properties: {
    id: int,
    type: { type: 'string', enum: ['IMAGE', 'CHART', 'UNKNOWN'] },
    media_type: str,
    manifest_media_type: str,
    artifact_type: str,
    project_id: int,
    repository_id: int,
    repository_name: str,
    digest: str,
    size: int,
    push_time: time,
    pull_time: time,
    extra_attrs: { type: 'object' },
    annotations: { type: 'object', additionalProperties: str },
    references: {
      type: 'array',
      items: {
        type: 'object',
        required: ['parent_id', 'child_id', 'child_digest'],
        properties: {
          parent_id: int,
          child_id: int,
          child_digest: str,
          platform: { type: 'object' },
          annotations: { type: 'object', additionalProperties: str },
          urls: { type: 'array', items: str },
        },
      },
    },
    tags: { type: 'array', nullable: true, items: tagSchema },
    accessories: {
      type: 'array',
      items: accessorySchema,
      description: 'Only with with_accessory=true.',
    },
    scan_overview: {
      type: 'object',
      description: 'Only with with_scan_overview=true and a scan to show.',
    },
    sbom_overview: {
      type: 'object',
      description: 'Only with with_sbom_overview=true and an SBOM generation to show.',
    },
  },
};
const searchSchema: OpenApiSchema = {
  type: 'object',
  required: ['project', 'repository'],
  properties: {
    project: { type: 'array', items: { type: 'object' } },
    repository: {
      type: 'array',
      items: {
        type: 'object',
        required: ['project_id', 'project_name', 'project_public', 'repository_name'],
        properties: {
          project_id: int,
          project_name: str,
          project_public: { type: 'boolean' },
          repository_name: str,
          pull_count: int,
          artifact_count: int,
        },
      },
    },
  },
};

const base = '/projects/{project_name}/repositories';
const artifact = `${base}/{repository_name}/artifacts/{reference}`;

export const repositoriesPaths: OpenApiDocument['paths'] = {
  [base]: {
    get: {
      operationId: 'listRepositories',
      summary: 'The repositories of a project (q: name; sort: name, creation_time, id).',
      tags: ['repository'],
      parameters: [project, p('page'), p('pageSize'), p('query'), p('sort')],
      responses: {
        '200': paged('A page of repositories.', repositorySchema),
        ...errors(...READ, '422'),
      },
    },
  },
  [`${base}/{repository_name}`]: {
    get: {
      operationId: 'getRepository',
      summary: 'A repository.',
      tags: ['repository'],
      parameters: [project, repository],
      responses: { '200': ok('The repository.', repositorySchema), ...errors(...READ) },
    },
    put: {
      operationId: 'updateRepository',
      summary:
        'Set the description of a repository (developer); the body is a Repository, of which only description is read.',
      tags: ['repository'],
      parameters: [project, repository],
      responses: { '200': ok('Updated.'), ...errors(...READ, '415') },
    },
    delete: {
      operationId: 'deleteRepository',
      summary:
        'Delete a repository with its artifacts and tags (maintainer); blobs are left to GC.',
      tags: ['repository'],
      parameters: [project, repository],
      responses: { '200': ok('Deleted.'), ...errors(...READ) },
    },
  },
  [`${base}/{repository_name}/artifacts`]: {
    get: {
      operationId: 'listArtifacts',
      summary:
        'The artifacts of a repository, newest first; index entries appear under their index and accessories (manifests with a subject) only under their subject (q: digest, media_type, push_time range, tags — tags=nil untagged, tags=* tagged; sort: push_time, digest).',
      tags: ['artifact'],
      parameters: [
        project,
        repository,
        p('page'),
        p('pageSize'),
        p('query'),
        p('sort'),
        ...artifactReadParams,
      ],
      responses: {
        '200': paged('A page of artifacts.', artifactSchema),
        ...errors(...READ, '422'),
      },
    },
  },
  [artifact]: {
    get: {
      operationId: 'getArtifact',
      summary: 'An artifact, by digest or tag; an accessory too, by its own digest.',
      tags: ['artifact'],
      parameters: [project, repository, reference, ...artifactReadParams],
      responses: { '200': ok('The artifact.', artifactSchema), ...errors(...READ) },
    },
    delete: {
      operationId: 'deleteArtifact',
      summary: 'Delete an artifact and its tags, with its accessories and theirs (maintainer).',
      tags: ['artifact'],
      parameters: [project, repository, reference],
      responses: { '200': ok('Deleted.'), ...errors(...READ) },
    },
  },
  [`${artifact}/accessories`]: {
    get: {
      operationId: 'listAccessories',
      summary:
        'The accessories of an artifact, one level deep, newest first (q: type, digest — exact or {a b}; sort: creation_time, size).',
      tags: ['artifact'],
      parameters: [project, repository, reference, p('page'), p('pageSize'), p('query'), p('sort')],
      responses: {
        '200': paged('A page of accessories.', accessorySchema),
        ...errors(...READ, '422'),
      },
    },
  },
  [`${artifact}/tags`]: {
    get: {
      operationId: 'listTags',
      summary: 'The tags of an artifact.',
      tags: ['artifact'],
      parameters: [project, repository, reference, p('page'), p('pageSize')],
      responses: { '200': paged('A page of tags.', tagSchema), ...errors(...READ, '422') },
    },
    post: {
      operationId: 'createTag',
      summary: 'Tag an artifact (developer); 409 when the repository has the tag already.',
      tags: ['artifact'],
      parameters: [project, repository, reference],
      responses: { '201': ok('Created.'), ...errors(...READ, '409', '415') },
    },
  },
  [`${artifact}/tags/{tag_name}`]: {
    delete: {
      operationId: 'deleteTag',
      summary: 'Remove a tag from an artifact (maintainer).',
      tags: ['artifact'],
      parameters: [project, repository, reference, tagName],
      responses: { '200': ok('Deleted.'), ...errors(...READ) },
    },
  },
  '/search': {
    get: {
      operationId: 'search',
      summary: 'Projects and repositories whose names contain q, among those the caller may see.',
      tags: ['search'],
      parameters: [
        { name: 'q', in: 'query', required: true, description: 'Part of a name.', schema: str },
      ],
      responses: { '200': ok('The matches.', searchSchema), ...errors('400', '401', '500') },
    },
  },
};
