import type { OpenApiSchema } from '@berth/api/domain';
import type { OpenApiDocument, OpenApiParameter } from '../openapi.document';
import {
  READ_ERRORS,
  WRITE_ERRORS,
  errorResponses,
  okResponse,
  pathParam,
  textResponse,
} from '../openapi-helpers';

/** Harbor's scan paths of an artifact, its vulnerability addition, and scan all. */

const onArtifact: OpenApiParameter[] = [
  pathParam('project_name', 'The project name.', 'string'),
  pathParam(
    'repository_name',
    'The repository name without the project; a / in it is sent as %252F.',
    'string',
  ),
  pathParam('reference', 'A digest or a tag.', 'string'),
];
const acceptVulnerabilities: OpenApiParameter = {
  name: 'X-Accept-Vulnerabilities',
  in: 'header',
  description:
    'The report MIME types accepted, comma-separated: application/vnd.security.vulnerability.report; version=1.1 or application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0 (the default).',
  schema: { type: 'string' },
};

const severity: OpenApiSchema = {
  type: 'string',
  enum: ['None', 'Unknown', 'Low', 'Medium', 'High', 'Critical'],
};
const report: OpenApiSchema = {
  type: 'object',
  required: ['generated_at', 'artifact', 'scanner', 'severity', 'vulnerabilities'],
  properties: {
    generated_at: { type: 'string', format: 'date-time' },
    artifact: { type: 'object' },
    scanner: { type: 'object' },
    severity,
    vulnerabilities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'package', 'version', 'fix_version', 'severity'],
        properties: {
          id: { type: 'string' },
          package: { type: 'string' },
          version: { type: 'string' },
          fix_version: { type: 'string', description: "'' when no fixed version is known." },
          severity,
          description: { type: 'string' },
          links: { type: 'array', items: { type: 'string' } },
          preferred_cvss: { type: 'object' },
          cwe_ids: { type: 'array', items: { type: 'string' } },
          vendor_attributes: { type: 'object' },
          artifact_digests: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};
const schedule: OpenApiSchema = {
  type: 'object',
  required: ['schedule'],
  properties: {
    schedule: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', enum: ['None', 'Hourly', 'Daily', 'Weekly', 'Custom'] },
        cron: { type: 'string', description: 'Six fields: sec min hour dom month dow.' },
        next_scheduled_time: { type: 'string', format: 'date-time' },
      },
    },
  },
};
const stats: OpenApiSchema = {
  type: 'object',
  required: ['total', 'completed', 'metrics', 'ongoing', 'trigger'],
  properties: {
    total: { type: 'integer' },
    completed: { type: 'integer' },
    metrics: { type: 'object', additionalProperties: { type: 'integer' } },
    requester: { type: 'string' },
    ongoing: { type: 'boolean' },
    trigger: { type: 'string', description: 'Manual or Schedule; empty before the first run.' },
  },
};

const artifact = '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}';
const ADMIN_ERRORS = ['Unauthorized', 'Forbidden', 'InternalServerError'];

export const scansPaths: OpenApiDocument['paths'] = {
  [`${artifact}/scan`]: {
    post: {
      operationId: 'scanArtifact',
      summary:
        'Scan an artifact or generate its SBOMs (project admin, maintainer). Body optional: {"scan_type": "vulnerability"} or {"scan_type": {"scan_type": "vulnerability"}}; "sbom" generates SPDX 2.3 and CycloneDX 1.6 SBOMs pushed as referrers of the artifact. An index is scanned platform by platform.',
      tags: ['scan'],
      parameters: onArtifact,
      responses: {
        '202': { description: 'The scan is pending, or was already pending or running.' },
        ...errorResponses(...WRITE_ERRORS),
      },
    },
  },
  [`${artifact}/scan/stop`]: {
    post: {
      operationId: 'stopScanArtifact',
      summary:
        'Stop the pending or running scan of an artifact (project admin, maintainer); a body {"scan_type": {"scan_type": "sbom"}} stops only the SBOM generation, "vulnerability" only the vulnerability scan.',
      tags: ['scan'],
      parameters: onArtifact,
      responses: {
        '202': { description: 'No scan of the artifact is pending or running any more.' },
        ...errorResponses(...READ_ERRORS),
      },
    },
  },
  [`${artifact}/scan/{report_id}/log`]: {
    get: {
      operationId: 'getReportLog',
      summary: 'The log of a scan of the artifact (or of one of its platforms).',
      tags: ['scan'],
      parameters: [...onArtifact, pathParam('report_id', 'The report id.', 'string')],
      responses: { '200': textResponse('The scan log.'), ...errorResponses(...READ_ERRORS) },
    },
  },
  [`${artifact}/additions/sbom`]: {
    get: {
      operationId: 'getSbomAddition',
      summary:
        'The SBOM document (SPDX or CycloneDX JSON) of an SBOM accessory, the reference being the accessory (sbom_overview.sbom_digest); 404 for any other artifact.',
      tags: ['scan'],
      parameters: onArtifact,
      responses: {
        '200': {
          description: 'The SBOM document.',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        ...errorResponses(...READ_ERRORS),
      },
    },
  },
  [`${artifact}/additions/vulnerabilities`]: {
    get: {
      operationId: 'getVulnerabilitiesAddition',
      summary:
        'The vulnerability report of an artifact keyed by its MIME type (an index: the union of its platforms); 404 before a scan succeeded.',
      tags: ['artifact'],
      parameters: [...onArtifact, acceptVulnerabilities],
      responses: {
        '200': okResponse('The report.', {
          type: 'object',
          additionalProperties: report,
        }),
        ...errorResponses(...READ_ERRORS),
      },
    },
  },
  '/system/scanAll/schedule': {
    get: {
      operationId: 'getScanAllSchedule',
      summary: 'The scan-all schedule (system admin).',
      tags: ['scanAll'],
      responses: {
        '200': okResponse('The schedule.', schedule),
        ...errorResponses(...ADMIN_ERRORS),
      },
    },
    post: {
      operationId: 'createScanAllSchedule',
      summary:
        'Set the scan-all schedule, or with schedule.type Manual scan every image and index now (system admin).',
      tags: ['scanAll'],
      responses: {
        '201': { description: 'Scheduled, or started.' },
        ...errorResponses('BadRequest', ...ADMIN_ERRORS, 'UnsupportedMediaType'),
      },
    },
    put: {
      operationId: 'updateScanAllSchedule',
      summary: 'Change the scan-all schedule (system admin).',
      tags: ['scanAll'],
      responses: {
        '200': { description: 'Changed.' },
        ...errorResponses('BadRequest', ...ADMIN_ERRORS, 'UnsupportedMediaType'),
      },
    },
  },
  '/system/scanAll/metrics': {
    get: {
      operationId: 'getLatestScanAllMetrics',
      summary: 'The progress of the latest scan-all run (system admin).',
      tags: ['scanAll'],
      responses: { '200': okResponse('The progress.', stats), ...errorResponses(...ADMIN_ERRORS) },
    },
  },
  '/system/scanAll/stop': {
    post: {
      operationId: 'stopScanAll',
      summary: 'Stop what the latest scan-all run has pending or running (system admin).',
      tags: ['scanAll'],
      responses: {
        '202': { description: 'Nothing of the run is pending or running any more.' },
        ...errorResponses(...ADMIN_ERRORS),
      },
    },
  },
};
