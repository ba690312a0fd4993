import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { RegistryDomainModule } from '@berth/registry/domain';
import { RegistryAccessModule } from './access/registry-access.module';
import { BlobsHandler } from './blobs.handler';
import { ManifestsHandler } from './manifests.handler';
import { RegistryAuthorizer } from './registry-authorizer';
import { installRegistryHttp } from './registry-request';
import { UploadJanitor } from './upload-janitor';
import { UploadsHandler } from './uploads.handler';
import { V2Controller } from './v2.controller';

const REGISTRY_HTTP = Symbol('REGISTRY_HTTP');

/** The OCI distribution data plane (`/v2/`). */
@Module({
  imports: [RegistryDomainModule, RegistryAccessModule],
  controllers: [V2Controller],
  providers: [
    RegistryAuthorizer,
    ManifestsHandler,
    BlobsHandler,
    UploadsHandler,
    UploadJanitor,
    {
      // A factory, not onModuleInit: parsers and hooks must exist before Nest registers routes.
      provide: REGISTRY_HTTP,
      inject: [HttpAdapterHost],
      useFactory: (host: HttpAdapterHost) =>
        installRegistryHttp(host.httpAdapter.getInstance<FastifyInstance>()),
    },
  ],
})
export class RegistryFeatureModule {
  /** The module with REGISTRY_ACCESS replaced, e.g. by a test double. */
  static withAccess(access: Provider): DynamicModule {
    return { module: RegistryFeatureModule, providers: [access] };
  }
}
