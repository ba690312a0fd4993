import * as path from 'node:path';
import { configSchema, type RawConfig } from './config.schema';

export type DatabaseSettings =
  { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; poolSize: number };

export type StorageSettings =
  | { kind: 'filesystem'; root: string }
  | {
      kind: 's3';
      endpoint: string;
      bucket: string;
      region: string;
      accessKey: string;
      secretKey: string;
      partSizeBytes: number;
      presignedRedirect: boolean;
    };

export type MessagingSettings =
  | { kind: 'in-process'; maxDeliver: number; backoffMs: number }
  | { kind: 'jetstream'; url: string; maxDeliver: number; backoffMs: number };

/** The validated, typed configuration of one Berth process. */
export interface BerthConfig {
  http: { host: string; port: number; externalUrl: string };
  /** Token service: where its JWKS is fetched from (the auth app; this process itself when all-in-one). */
  auth: {
    url: string;
    realm: string;
    tokenTtlSeconds: number;
    issuer: string;
    /** Rotate the token-signing key when the newest is this many days old; 0 or absent: by hand only. */
    signingKeyRotationDays?: number;
  };
  dataDir: string;
  adminPassword?: string;
  logLevel: RawConfig['BERTH_LOG_LEVEL'];
  database: DatabaseSettings;
  storage: StorageSettings;
  messaging: MessagingSettings;
  notifications: NotificationSettings;
  /** Absent in hand-built configurations (tests): the scanner's defaults apply. */
  scanner?: ScannerSettings;
}

/** The built-in vulnerability scanner. */
export interface ScannerSettings {
  /** OSV database: a directory, a zip file or an http(s) URL; absent, scans find no vulnerabilities. */
  database?: string;
  databaseRefreshMs: number;
  /** Scans running at once in one process. */
  concurrency: number;
  timeoutMs: number;
  /** How long a running scan stays claimed without renewal: a dead scanner's scans are retaken after it. */
  leaseMs: number;
  /** Serves the Pluggable Scanner adapter API (`/api/v1`) to callers presenting it; absent, the API is off. */
  adapterToken?: string;
}

/** Webhook deliveries and audit forwarding. */
export interface NotificationSettings {
  /** Webhook targets on loopback, link-local and private addresses are allowed (tests, labs). */
  webhookAllowPrivate: boolean;
  /** Bound on one delivery attempt, connect to last byte. */
  webhookTimeoutMs: number;
  /** Attempts per delivery before it is marked failed. */
  webhookMaxAttempts: number;
  /** PEM bundle trusted for `tls://` audit forwarding, beside the system's CAs. */
  auditForwardCaFile?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly reason: string,
  ) {
    super(`invalid configuration: ${setting} ${reason}`);
  }
}

/** Parses the environment once; throws ConfigError naming the first bad setting. */
export function loadConfig(env: Record<string, string | undefined>): BerthConfig {
  // Empty values count as unset, as in most container platforms.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = String(issue.path[0] ?? 'configuration');
    const shown =
      cleaned[setting] === undefined
        ? ''
        : ` (got ${JSON.stringify(redact(setting, cleaned[setting]))})`;
    throw new ConfigError(setting, `${issue.message}${shown}`);
  }
  return toBerthConfig(parsed.data);
}

function redact(setting: string, value: string | undefined): string | undefined {
  return /PASSWORD|SECRET|KEY|ADAPTER_TOKEN/.test(setting) ? '***' : value;
}

function toBerthConfig(c: RawConfig): BerthConfig {
  const dataDir = path.resolve(c.BERTH_DATA_DIR);
  const loopbackHost =
    c.BERTH_HTTP_HOST === '0.0.0.0' || c.BERTH_HTTP_HOST === '::' ? 'localhost' : c.BERTH_HTTP_HOST;
  const externalUrl = (
    c.BERTH_EXTERNAL_URL ?? `http://${loopbackHost}:${c.BERTH_HTTP_PORT}`
  ).replace(/\/+$/, '');
  const messaging = {
    maxDeliver: c.BERTH_EVENTS_MAX_DELIVER,
    backoffMs: c.BERTH_EVENTS_BACKOFF_MS,
  };
  return {
    http: {
      host: c.BERTH_HTTP_HOST,
      port: c.BERTH_HTTP_PORT,
      externalUrl,
    },
    auth: {
      url: (
        c.BERTH_AUTH_URL ??
        `http://${loopbackHost === 'localhost' ? '127.0.0.1' : loopbackHost}:${c.BERTH_HTTP_PORT}`
      ).replace(/\/+$/, ''),
      // Behind one ingress the token endpoint shares the registry's URL; without one, say where it is.
      realm: c.BERTH_TOKEN_REALM ?? `${externalUrl}/service/token`,
      tokenTtlSeconds: c.BERTH_TOKEN_TTL_SECONDS,
      signingKeyRotationDays: c.BERTH_KEY_ROTATION_DAYS,
      issuer: 'berth-token-issuer',
    },
    dataDir,
    adminPassword: c.BERTH_ADMIN_PASSWORD,
    logLevel: c.BERTH_LOG_LEVEL,
    database: databaseSettings(c, dataDir),
    storage: c.S3_ENDPOINT
      ? {
          kind: 's3',
          endpoint: c.S3_ENDPOINT,
          bucket: c.S3_BUCKET,
          region: c.S3_REGION,
          accessKey: c.S3_ACCESS_KEY ?? '',
          secretKey: c.S3_SECRET_KEY ?? '',
          partSizeBytes: c.S3_PART_SIZE_MB * 1024 * 1024,
          presignedRedirect: c.S3_PRESIGNED_REDIRECT,
        }
      : { kind: 'filesystem', root: path.join(dataDir, 'blobs') },
    messaging: c.NATS_URL
      ? { kind: 'jetstream', url: c.NATS_URL, ...messaging }
      : { kind: 'in-process', ...messaging },
    notifications: {
      webhookAllowPrivate: c.BERTH_WEBHOOK_ALLOW_PRIVATE,
      webhookTimeoutMs: c.BERTH_WEBHOOK_TIMEOUT_SECONDS * 1000,
      webhookMaxAttempts: c.BERTH_WEBHOOK_MAX_ATTEMPTS,
      auditForwardCaFile: c.BERTH_AUDIT_FORWARD_CA_FILE,
    },
    scanner: {
      database: c.BERTH_SCANNER_DB,
      databaseRefreshMs: c.BERTH_SCANNER_DB_REFRESH_SECONDS * 1000,
      concurrency: c.BERTH_SCANNER_CONCURRENCY,
      timeoutMs: c.BERTH_SCANNER_TIMEOUT_SECONDS * 1000,
      leaseMs: c.BERTH_SCANNER_LEASE_SECONDS * 1000,
      adapterToken: c.BERTH_SCANNER_ADAPTER_TOKEN,
    },
  };
}

function databaseSettings(c: RawConfig, dataDir: string): DatabaseSettings {
  const url = c.DATABASE_URL;
  if (!url) return { kind: 'sqlite', file: path.join(dataDir, 'berth.db') };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return { kind: 'sqlite', file: path.resolve(dataDir, file) };
  }
  return { kind: 'postgres', url, poolSize: c.DATABASE_POOL_SIZE };
}
