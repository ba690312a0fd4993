import type { HarborReportScanner } from '../osv/harbor-report';

/*
 * The Pluggable Scanner API v1.2 (Harbor's scanner adapter API), as Berth both serves it and
 * calls it: MIME types, message shapes and the checks on what comes in.
 */

/** Where an adapter serves the API, below its base URL. */
export const ADAPTER_API_PREFIX = '/api/v1';

export const ADAPTER_METADATA_MIME = 'application/vnd.scanner.adapter.metadata+json; version=1.1';
export const ADAPTER_SCAN_REQUEST_MIME =
  'application/vnd.scanner.adapter.scan.request+json; version=1.1';
export const ADAPTER_SCAN_REQUEST_MIME_V10 =
  'application/vnd.scanner.adapter.scan.request+json; version=1.0';
export const ADAPTER_SCAN_RESPONSE_MIME =
  'application/vnd.scanner.adapter.scan.response+json; version=1.0';
export const ADAPTER_ERROR_MIME = 'application/vnd.scanner.adapter.error+json; version=1.0';

/** The two report types Berth produces, the same document under both names. */
export const ADAPTER_VULNERABILITY_REPORT_MIMES = [
  'application/vnd.security.vulnerability.report; version=1.1',
  'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0',
] as const;

/** What Berth's adapter can read: single-platform images. */
export const ADAPTER_CONSUMED_MIMES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

/** The metadata property naming when the vulnerability database was last updated. */
export const DB_UPDATED_AT_PROPERTY = 'harbor.scanner-adapter/vulnerability-database-updated-at';

/** One capability of an adapter (ScannerCapability). */
export interface AdapterCapability {
  type?: 'vulnerability' | 'sbom';
  consumes_mime_types: string[];
  produces_mime_types: string[];
  additional_attributes?: Record<string, unknown>;
}

/** `GET /metadata` (ScannerAdapterMetadata). */
export interface AdapterMetadata {
  scanner: HarborReportScanner;
  capabilities: AdapterCapability[];
  properties?: Record<string, string>;
}

/** The artifact a scan request names (Artifact). */
export interface AdapterArtifact {
  repository: string;
  digest: string;
  tag?: string;
  mime_type: string;
}

/** `POST /scan` (ScanRequest). */
export interface AdapterScanRequest {
  registry: { url: string; authorization?: string };
  artifact: AdapterArtifact;
}

/** The body of every error answer (ErrorResponse). */
export interface AdapterErrorBody {
  error: { message: string };
}

/** An ErrorResponse carrying `message`. */
export function adapterError(message: string): AdapterErrorBody {
  return { error: { message } };
}

/** The metadata Berth's built-in scanner serves as an adapter. */
export function builtinAdapterMetadata(
  scanner: HarborReportScanner,
  databaseUpdatedAt: string | undefined,
): AdapterMetadata {
  return {
    scanner,
    capabilities: [
      {
        type: 'vulnerability',
        consumes_mime_types: [...ADAPTER_CONSUMED_MIMES],
        produces_mime_types: [...ADAPTER_VULNERABILITY_REPORT_MIMES],
      },
    ],
    properties: {
      'harbor.scanner-adapter/scanner-type': 'os-package-vulnerability',
      ...(databaseUpdatedAt !== undefined && { [DB_UPDATED_AT_PROPERTY]: databaseUpdatedAt }),
    },
  };
}

/** Whether a Content-Type names a scan request (either version) or plain JSON. */
export function isScanRequestContentType(contentType: string | undefined): boolean {
  const base = (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
  return (
    base === 'application/vnd.scanner.adapter.scan.request+json' || base === 'application/json'
  );
}

/** A checked scan request, or why it is refused: 400 for bad JSON or types, 422 for bad values. */
export type ParsedScanRequest =
  | { ok: true; request: AdapterScanRequest; registryUrl: URL }
  | { ok: false; status: 400 | 422; message: string };

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const REPOSITORY =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const MAX_FIELD = 8192;

/**
 * Reads a `POST /scan` body: JSON with `registry.url` (http or https, no user info) and the
 * artifact's repository, digest and MIME type (an image manifest type; anything else is 422,
 * as a value the adapter cannot take). `authorization` is optional; a tag must be one.
 */
export function parseScanRequest(text: string): ParsedScanRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, message: 'the scan request is not valid JSON' };
  }
  if (!isRecord(body)) return bad('the scan request must be a JSON object');
  const { registry, artifact } = body;
  if (!isRecord(registry)) return bad('registry must be an object');
  if (!isRecord(artifact)) return bad('artifact must be an object');
  for (const [name, value] of [
    ['registry.url', registry.url],
    ['artifact.repository', artifact.repository],
    ['artifact.digest', artifact.digest],
  ] as const)
    if (typeof value !== 'string' || value === '') return bad(`${name} must be a non-empty string`);
  for (const [name, value] of [
    ['registry.authorization', registry.authorization],
    ['artifact.tag', artifact.tag],
    ['artifact.mime_type', artifact.mime_type],
  ] as const)
    if (value !== undefined && typeof value !== 'string') return bad(`${name} must be a string`);
  const url = registry.url as string;
  const authorization = registry.authorization as string | undefined;
  const repository = artifact.repository as string;
  const digest = artifact.digest as string;
  const tag = artifact.tag as string | undefined;
  const mimeType = (artifact.mime_type as string | undefined) ?? ADAPTER_CONSUMED_MIMES[0];
  if ([url, authorization ?? '', repository, digest, tag ?? ''].some((v) => v.length > MAX_FIELD))
    return invalid('a field of the scan request is too long');
  let registryUrl: URL;
  try {
    registryUrl = new URL(url);
  } catch {
    return invalid('registry.url is not a URL');
  }
  if (registryUrl.protocol !== 'http:' && registryUrl.protocol !== 'https:')
    return invalid('registry.url must be an http or https URL');
  if (registryUrl.username !== '' || registryUrl.password !== '')
    return invalid('registry.url must not carry credentials; use registry.authorization');
  if (authorization !== undefined && /[\r\n]/.test(authorization))
    return invalid('registry.authorization must be one line');
  if (!REPOSITORY.test(repository) || repository.length > 255)
    return invalid('artifact.repository is not a repository name');
  if (!DIGEST.test(digest)) return invalid('artifact.digest is not a digest');
  if (tag !== undefined && tag !== '' && !TAG.test(tag))
    return invalid('artifact.tag is not a tag');
  if (!(ADAPTER_CONSUMED_MIMES as readonly string[]).includes(mimeType))
    return invalid(`artifact.mime_type ${mimeType.slice(0, 128)} is not an image manifest`);
  return {
    ok: true,
    registryUrl,
    request: {
      registry: { url, ...(authorization !== undefined && { authorization }) },
      artifact: { repository, digest, ...(tag && { tag }), mime_type: mimeType },
    },
  };
}

/**
 * The report type an `Accept` header asks for: the first of Berth's two vulnerability types it
 * names, the 1.1 type when it names none (absent, `*\/*`), undefined when it names only others.
 */
export function negotiateReportMime(accept: string | undefined): string | undefined {
  const asked = (accept ?? '').trim();
  if (asked === '' || asked === '*/*') return ADAPTER_VULNERABILITY_REPORT_MIMES[0];
  const normalized = (m: string) => m.replace(/\s+/g, '').toLowerCase();
  const wanted = splitAccept(asked).map(normalized);
  if (wanted.some((w) => w === '*/*' || w === 'application/*'))
    return ADAPTER_VULNERABILITY_REPORT_MIMES[0];
  return ADAPTER_VULNERABILITY_REPORT_MIMES.find((m) => wanted.includes(normalized(m)));
}

// Accept lists media types separated by commas; the parameters (`; version=1.1`) stay with theirs.
function splitAccept(accept: string): string[] {
  return accept
    .split(',')
    .map((part) =>
      part
        .split(';')
        .filter((p) => !/^\s*q=/.test(p))
        .join(';')
        .trim(),
    )
    .filter((p) => p !== '');
}

function bad(message: string): ParsedScanRequest {
  return { ok: false, status: 400, message };
}

function invalid(message: string): ParsedScanRequest {
  return { ok: false, status: 422, message };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
