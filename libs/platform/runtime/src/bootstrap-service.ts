import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRequire } from 'node:module';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { ConfigError, ConfigModule, loadConfig, type BerthConfig } from '@berth/platform/config';
import { DatabaseModule, mergeParts, type DataSourceParts } from '@berth/platform/database';
import { BLOB_STORE, StorageModule, type BlobStore } from '@berth/platform/storage';
import {
  MessagingHealth,
  MessagingModule,
  TRANSPORT_SERVER,
  messagingDatabaseParts,
} from '@berth/platform/messaging';
import {
  BerthMetrics,
  ObservabilityModule,
  PinoNestLogger,
  READINESS_INDICATORS,
  REQUEST_ID_HEADER,
  createLogger,
  requestIdFor,
  type BerthLogger,
  type ReadinessIndicator,
} from '@berth/platform/observability';
import { InstanceModule } from './instance.module';

export interface ServiceDefinition {
  /** Service name: log tag, metrics label and durable consumer name. */
  name: string;
  features: Array<Type<unknown> | DynamicModule>;
  databaseParts?: DataSourceParts[];
}

export interface RunningService {
  app: INestApplication;
  config: BerthConfig;
  logger: BerthLogger;
  url: string;
}

/** Composes one Berth process: config, logs, metrics, database, storage, messaging, and the given features. */
export async function startService(
  def: ServiceDefinition,
  env: Record<string, string | undefined>,
): Promise<RunningService> {
  const config = loadConfig(env);
  const logger = createLogger(def.name, config.logLevel);
  const metrics = new BerthMetrics(def.name);

  @Module({
    imports: [
      ConfigModule.forRoot(config),
      ObservabilityModule.forRoot({
        logger,
        metrics,
        readiness: {
          provide: READINESS_INDICATORS,
          inject: [DataSource, BLOB_STORE, MessagingHealth],
          useFactory: readinessIndicators,
        },
      }),
      DatabaseModule.forRoot({
        parts: mergeParts(messagingDatabaseParts, ...(def.databaseParts ?? [])),
      }),
      StorageModule,
      MessagingModule.forRoot({ consumer: def.name }),
      InstanceModule,
      ...def.features,
    ],
  })
  class ServiceRootModule {}

  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    requestIdHeader: REQUEST_ID_HEADER,
    genReqId: requestIdFor,
    logController: new RequestLogController() as unknown as AdapterLogController,
    bodyLimit: 4 * 1024 * 1024,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ServiceRootModule, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (req, reply) => {
    reply.header('X-Request-Id', req.id);
  });
  fastify.addHook('onResponse', async (req, reply) => {
    metrics.observeHttp(
      req.method,
      req.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.connectMicroservice(
    { strategy: app.get<CustomTransportStrategy>(TRANSPORT_SERVER) },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(config.http.port, config.http.host);
  const url = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${config.http.port}`;
  logger.info(
    { url, externalUrl: config.http.externalUrl },
    `berth ${def.name} listening on ${url}`,
  );
  return { app, config, logger, url };
}

type AdapterLogController = Extract<
  NonNullable<ConstructorParameters<typeof FastifyAdapter>[0]>,
  { logController?: unknown }
>['logController'];
// The adapter runs its own copy of fastify, which accepts only its own LogController (instanceof).
const { LogController } = createRequire(require.resolve('@nestjs/platform-fastify'))(
  'fastify',
) as typeof import('fastify');

/**
 * One line per request, when it completes, instead of Fastify's two; successful reads (pulls,
 * health probes, scrapes: the bulk of the traffic) at debug. Error lines are Fastify's own.
 * Every line carries the request id.
 */
class RequestLogController extends LogController {
  override incomingRequest(): void {
    // the completion line says it all
  }

  override requestCompleted(
    error: Error | null,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) return super.requestCompleted(error, request, reply);
    const read = reply.statusCode < 400 && (request.method === 'GET' || request.method === 'HEAD');
    reply.log[read ? 'debug' : 'info'](
      { req: request, res: reply, responseTime: reply.elapsedTime },
      'request completed',
    );
  }
}

function readinessIndicators(
  dataSource: DataSource,
  blobs: BlobStore,
  messaging: MessagingHealth,
): ReadinessIndicator[] {
  return [
    { name: 'database', check: async () => void (await dataSource.query('SELECT 1')) },
    { name: 'storage', check: () => blobs.healthCheck() },
    {
      name: 'messaging',
      check: async () => {
        const r = await messaging.check();
        if (!r.ok) throw new Error(r.detail);
      },
    },
  ];
}

/**
 * Entry point for a service's main.ts: starts it, exits cleanly on SIGINT/SIGTERM, and turns a
 * configuration error into one line on stderr and exit status 2.
 */
export function runService(def: ServiceDefinition): void {
  // libuv's pool (4 threads) runs every file operation and fsync; blob uploads in parallel
  // queue behind each other's fsyncs. Read by libuv when the pool first starts, i.e. not yet.
  process.env.UV_THREADPOOL_SIZE ??= '16';
  startService(def, process.env).then(
    ({ app, logger }) => {
      let closing = false;
      const stop = (signal: string): void => {
        if (closing) return;
        closing = true;
        logger.info({ signal }, 'shutting down');
        app.close().then(
          () => process.exit(0),
          (e: unknown) => {
            logger.error({ err: e }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    },
    (e: unknown) => {
      if (e instanceof ConfigError) {
        process.stderr.write(`berth: ${e.message}\n`);
        process.exit(2);
      }
      process.stderr.write(
        `berth: failed to start ${def.name}: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      process.exit(1);
    },
  );
}
