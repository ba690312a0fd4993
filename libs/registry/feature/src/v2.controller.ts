import { All, Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OciError, isValidRepositoryName } from '@berth/oci';
import {
  ListCatalogUseCase,
  ListReferrersUseCase,
  ListTagsUseCase,
  type Page,
} from '@berth/registry/domain';
import { BlobsHandler } from './blobs.handler';
import { ManifestsHandler, unsupportedMethod } from './manifests.handler';
import { OciErrorFilter } from './oci-error.filter';
import { RegistryAuthorizer } from './registry-authorizer';
import { queryValue } from './registry-request';
import { parseRegistryRoute } from './registry-route';
import { UploadsHandler } from './uploads.handler';

/**
 * The OCI distribution API. Repository names contain '/', which Fastify's router cannot put in
 * a parameter, so `/v2/*` is matched here and dispatched by parseRegistryRoute.
 */
@Controller('v2')
@UseFilters(OciErrorFilter)
export class V2Controller {
  constructor(
    private readonly auth: RegistryAuthorizer,
    private readonly manifests: ManifestsHandler,
    private readonly blobs: BlobsHandler,
    private readonly uploads: UploadsHandler,
    private readonly listTags: ListTagsUseCase,
    private readonly listCatalog: ListCatalogUseCase,
    private readonly listReferrers: ListReferrersUseCase,
  ) {}

  @Get()
  async base(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.auth.authenticate(req);
    reply.status(200).header('Content-Type', 'application/json').send({});
  }

  @Get('_catalog')
  async catalog(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.auth.authorizeCatalog(req);
    const page = await this.listCatalog.execute(queryValue(req, 'n'), queryValue(req, 'last'));
    this.sendPage(reply, page).send({ repositories: page.items });
  }

  @All('*')
  async dispatch(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const path = req.url.split('?', 1)[0];
    if (path === '/v2/' && (req.method === 'GET' || req.method === 'HEAD'))
      return this.base(req, reply);
    const route = parseRegistryRoute(path);
    if (!route) {
      await this.auth.authenticate(req);
      throw new OciError('NAME_UNKNOWN', 'no such endpoint', { path });
    }
    if (!isValidRepositoryName(route.name)) {
      await this.auth.authenticate(req);
      throw new OciError('NAME_INVALID', 'invalid repository name', { name: route.name });
    }
    switch (route.kind) {
      case 'manifest':
        return this.manifests.handle(route.name, route.reference, req, reply);
      case 'blob':
        return this.blobs.handle(route.name, route.digest, req, reply);
      case 'upload':
        return this.uploads.handle(route.name, route.uploadId, req, reply);
      case 'tags': {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw unsupportedMethod(req.method);
        await this.auth.authorize(req, route.name, ['pull']);
        const page = await this.listTags.execute(
          route.name,
          queryValue(req, 'n'),
          queryValue(req, 'last'),
        );
        return void this.sendPage(reply, page).send({ name: route.name, tags: page.items });
      }
      case 'referrers': {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw unsupportedMethod(req.method);
        await this.auth.authorize(req, route.name, ['pull']);
        const artifactType = queryValue(req, 'artifactType');
        const index = await this.listReferrers.execute(route.name, route.digest, artifactType);
        if (artifactType !== undefined) reply.header('OCI-Filters-Applied', 'artifactType');
        return void reply
          .status(200)
          .header('Content-Type', index.mediaType)
          .send(Buffer.from(JSON.stringify(index)));
      }
    }
  }

  private sendPage(reply: FastifyReply, page: Page): FastifyReply {
    if (page.next) reply.header('Link', page.next);
    return reply.status(200).header('Content-Type', 'application/json');
  }
}
