import type { AuditRecord } from './audit-record';

/** RFC 5424 §6.2.1 facility 13, "log audit". */
export const LOG_AUDIT_FACILITY = 13;
/** Successful operations are informational; refused or failed ones are warnings. */
export const SEVERITY_INFO = 6;
export const SEVERITY_WARNING = 4;
/** Enterprise-form SD-ID; 32473 is the private enterprise number reserved for documentation. */
export const AUDIT_SD_ID = 'audit@32473';
export const AUDIT_MSG_ID = 'audit';
export const DEFAULT_APP_NAME = 'berth';

const NILVALUE = '-';
const BOM = '\uFEFF';
const MAX_HOSTNAME = 255;
const MAX_APP_NAME = 48;
const MAX_PROC_ID = 128;
const MAX_MSG_ID = 32;
const MAX_SD_NAME = 32;

export interface SyslogFormatOptions {
  hostname: string;
  /** Default 'berth'. */
  appName?: string;
  /** Default NILVALUE; the forwarder passes its pid. */
  procId?: string;
  /** 0..23, default 13 (log audit). */
  facility?: number;
}

/** SD-NAME (RFC 5424 §6.3.2): 1..32 printable US-ASCII except '=', SP, ']' and '"'. */
export function isValidSdName(name: string): boolean {
  return name.length <= MAX_SD_NAME && /^[\x21-\x7e]+$/.test(name) && !/[= \]"]/.test(name);
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): '"', '\' and ']' take a backslash. */
export function escapeParamValue(value: string): string {
  return wellFormed(value).replace(/["\\\]]/g, (c) => `\\${c}`);
}

/**
 * The RFC 5424 message for one audit record, without framing. Header fields are reduced to
 * printable US-ASCII and cut to their maximum length; the record's exact values travel in the
 * structured data, the MSG part is a readable one-line summary.
 */
export function formatSyslogMessage(record: AuditRecord, opts: SyslogFormatOptions): string {
  const facility = opts.facility ?? LOG_AUDIT_FACILITY;
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) {
    throw new RangeError(`syslog facility must be an integer 0..23, got ${facility}`);
  }
  const severity = record.result ? SEVERITY_INFO : SEVERITY_WARNING;
  const header = [
    `<${facility * 8 + severity}>1`,
    formatTimestamp(record.opTime),
    headerField(opts.hostname, MAX_HOSTNAME),
    headerField(opts.appName ?? DEFAULT_APP_NAME, MAX_APP_NAME),
    headerField(opts.procId ?? NILVALUE, MAX_PROC_ID),
    headerField(AUDIT_MSG_ID, MAX_MSG_ID),
  ].join(' ');
  return `${header} ${structuredData(record)} ${BOM}${summary(record)}`;
}

/** RFC 6587 §3.4.1 octet-counting frame: the length is counted in UTF-8 bytes, not characters. */
export function frameOctetCounted(msg: string): Buffer {
  const body = Buffer.from(msg, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

const AUDIT_PARAM_NAMES = [
  'eventId',
  'operator',
  'resource',
  'resourceType',
  'operation',
  'result',
  'sourceAddress',
  'projectId',
] as const;

// Fail at load rather than emit a message a strict collector would reject.
for (const name of [AUDIT_SD_ID, ...AUDIT_PARAM_NAMES]) {
  if (!isValidSdName(name)) throw new Error(`invalid SD-NAME ${name}`);
}

function structuredData(record: AuditRecord): string {
  const values: Record<(typeof AUDIT_PARAM_NAMES)[number], string | undefined> = {
    eventId: record.eventId,
    operator: record.operator,
    resource: record.resource,
    resourceType: record.resourceType,
    operation: record.operation,
    result: String(record.result),
    sourceAddress: record.sourceAddress,
    projectId: record.projectId === undefined ? undefined : String(record.projectId),
  };
  const params = AUDIT_PARAM_NAMES.filter((name) => values[name] !== undefined).map(
    (name) => `${name}="${escapeParamValue(values[name] ?? '')}"`,
  );
  return `[${[AUDIT_SD_ID, ...params].join(' ')}]`;
}

function summary(record: AuditRecord): string {
  const parts = [
    record.operator,
    record.operation,
    record.resourceType,
    record.resource,
    record.result ? 'ok' : 'failed',
  ];
  const text = parts.join(' ') + (record.description ? `: ${record.description}` : '');
  // One record stays one line for collectors that store or display lines.
  return wellFormed(text).replace(/\p{Cc}/gu, ' ');
}

/** RFC 3339 with milliseconds in UTC; NILVALUE when the time cannot be read. */
function formatTimestamp(opTime: string): string {
  const ms = Date.parse(opTime);
  if (Number.isNaN(ms)) return NILVALUE;
  const iso = new Date(ms).toISOString();
  // Years outside 0000..9999 print as '+010000-…', which RFC 3339 cannot express.
  return /^\d{4}-/.test(iso) ? iso : NILVALUE;
}

function headerField(value: string, max: number): string {
  const printable = value.replace(/[^\x21-\x7e]/gu, '_').slice(0, max);
  return printable === '' ? NILVALUE : printable;
}

/** Lone surrogates become U+FFFD, as the UTF-8 encoder would write them anyway. */
function wellFormed(value: string): string {
  return value.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}
