import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ScanningWorkersModule } from '@berth/scanning/domain';
import { installAdapterHttp } from './adapter-http';
import { ScannerAdapterController } from './scanner-adapter.controller';

const ADAPTER_HTTP = Symbol('SCANNER_ADAPTER_HTTP');

/** The Pluggable Scanner adapter API of the built-in scanner (`/api/v1`). */
@Module({
  imports: [ScanningWorkersModule],
  controllers: [ScannerAdapterController],
  providers: [
    {
      // A factory, not onModuleInit: parsers and hooks must exist before Nest registers routes.
      provide: ADAPTER_HTTP,
      inject: [HttpAdapterHost],
      useFactory: (host: HttpAdapterHost) =>
        installAdapterHttp(host.httpAdapter.getInstance<FastifyInstance>()),
    },
  ],
})
export class ScannerAdapterModule {}
