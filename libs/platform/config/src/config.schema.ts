import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((v) => protocols.some((p) => v.startsWith(`${p}:`)), {
      message: `must start with ${protocols.map((p) => `${p}:`).join(' or ')}`,
    })
    .optional();

/** Every setting Berth reads, with its environment variable name. Validated once at boot. */
export const configSchema = z
  .object({
    BERTH_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
    BERTH_HTTP_PORT: port.default(8080),
    BERTH_DATA_DIR: z.string().min(1).default('./data'),
    BERTH_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
    BERTH_EXTERNAL_URL: optionalUrl(['http', 'https']),
    BERTH_AUTH_URL: optionalUrl(['http', 'https']),
    BERTH_TOKEN_REALM: optionalUrl(['http', 'https']),
    BERTH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1800),
    BERTH_KEY_ROTATION_DAYS: z.coerce.number().int().min(0).max(3650).default(0),
    BERTH_LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    DATABASE_URL: optionalUrl(['postgres', 'postgresql', 'sqlite']),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    NATS_URL: optionalUrl(['nats', 'tls']),
    BERTH_EVENTS_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
    BERTH_EVENTS_BACKOFF_MS: z.coerce.number().int().min(1).max(3_600_000).default(1000),
    S3_ENDPOINT: optionalUrl(['http', 'https']),
    S3_BUCKET: z.string().min(3).max(63).default('berth'),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY: z.string().min(1).optional(),
    S3_SECRET_KEY: z.string().min(1).optional(),
    S3_PART_SIZE_MB: z.coerce.number().int().min(5).max(5120).default(16),
    S3_PRESIGNED_REDIRECT: bool.default(false),
    BERTH_WEBHOOK_ALLOW_PRIVATE: bool.default(false),
    BERTH_WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
    BERTH_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
    BERTH_AUDIT_FORWARD_CA_FILE: z.string().min(1).optional(),
    BERTH_SCANNER_DB: z.string().min(1).optional(),
    BERTH_SCANNER_DB_REFRESH_SECONDS: z.coerce.number().int().min(10).max(604_800).default(3600),
    BERTH_SCANNER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    BERTH_SCANNER_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(86_400).default(600),
    BERTH_SCANNER_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
    BERTH_SCANNER_ADAPTER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .superRefine((c, ctx) => {
    if (c.S3_ENDPOINT && (!c.S3_ACCESS_KEY || !c.S3_SECRET_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_ACCESS_KEY'],
        message: 'is required when S3_ENDPOINT is set',
      });
    }
  });

export type RawConfig = z.infer<typeof configSchema>;
