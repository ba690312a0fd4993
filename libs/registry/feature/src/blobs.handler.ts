import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { contentRange } from '@berth/platform/storage';
import { DeleteBlobUseCase, GetBlobUseCase } from '@berth/registry/domain';
import { unsupportedMethod } from './manifests.handler';
import { RegistryAuthorizer } from './registry-authorizer';

const PRESIGNED_TTL_SECONDS = 20 * 60;

/** /v2/<name>/blobs/<digest>: GET (whole, Range, or a redirect to storage), HEAD, DELETE. */
@Injectable()
export class BlobsHandler {
  constructor(
    private readonly auth: RegistryAuthorizer,
    private readonly getBlob: GetBlobUseCase,
    private readonly deleteBlob: DeleteBlobUseCase,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  async handle(
    name: string,
    digest: string,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        await this.auth.authorize(req, name, ['pull']);
        const redirect = this.config.storage.kind === 's3' && this.config.storage.presignedRedirect;
        const blob = await this.getBlob.execute({
          repository: name,
          digest,
          withBody: req.method === 'GET',
          rangeHeader: req.headers.range,
          redirectTtlSeconds: redirect ? PRESIGNED_TTL_SECONDS : undefined,
        });
        reply.header('Docker-Content-Digest', blob.digest).header('Accept-Ranges', 'bytes');
        if (blob.redirectUrl)
          return void reply.status(307).header('Location', blob.redirectUrl).send();
        reply.header('Content-Type', 'application/octet-stream');
        if (blob.range) {
          reply
            .status(206)
            .header('Content-Range', contentRange(blob.range, blob.size))
            .header('Content-Length', blob.range.length);
        } else {
          reply.status(200).header('Content-Length', blob.size);
        }
        return void reply.send(blob.body);
      }
      case 'DELETE':
        await this.auth.authorize(req, name, ['delete']);
        await this.deleteBlob.execute(name, digest);
        return void reply.status(202).send();
      default:
        throw unsupportedMethod(req.method);
    }
  }
}
