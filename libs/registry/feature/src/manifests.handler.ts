import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MAX_MANIFEST_BYTES, OciError } from '@berth/oci';
import {
  DeleteManifestUseCase,
  GetManifestUseCase,
  PutManifestUseCase,
  RegistryHttpError,
} from '@berth/registry/domain';
import { RegistryAuthorizer } from './registry-authorizer';
import { actorOf, readLimited, requestContentType } from './registry-request';

/** /v2/<name>/manifests/<reference>: GET, HEAD, PUT, DELETE. */
@Injectable()
export class ManifestsHandler {
  constructor(
    private readonly auth: RegistryAuthorizer,
    private readonly getManifest: GetManifestUseCase,
    private readonly putManifest: PutManifestUseCase,
    private readonly deleteManifest: DeleteManifestUseCase,
  ) {}

  async handle(
    name: string,
    reference: string,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const principal = await this.auth.authorize(req, name, ['pull']);
        const manifest = await this.getManifest.execute({
          repository: name,
          reference,
          recordPull: req.method === 'GET',
          actor: actorOf(principal, req),
          ...(req.method === 'GET' && { principal }),
        });
        reply
          .status(200)
          .header('Content-Type', manifest.mediaType)
          .header('Docker-Content-Digest', manifest.digest)
          .header('Content-Length', manifest.size);
        if (req.method === 'HEAD') return void reply.send();
        return void reply.send(Buffer.from(manifest.content, 'utf8'));
      }
      case 'PUT': {
        const principal = await this.auth.authorize(req, name, ['pull', 'push']);
        const body = await readLimited(req, MAX_MANIFEST_BYTES).catch((e: unknown) => {
          if (e instanceof OciError && e.code === 'SIZE_INVALID')
            throw new RegistryHttpError(
              'SIZE_INVALID',
              `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`,
              413,
              {
                Connection: 'close',
              },
            );
          throw e;
        });
        const result = await this.putManifest.execute({
          repository: name,
          reference,
          body,
          contentType: requestContentType(req),
          actor: actorOf(principal, req),
        });
        reply
          .status(201)
          .header('Location', `/v2/${name}/manifests/${result.digest}`)
          .header('Docker-Content-Digest', result.digest);
        if (result.subject) reply.header('OCI-Subject', result.subject);
        return void reply.send();
      }
      case 'DELETE': {
        const principal = await this.auth.authorize(req, name, ['delete']);
        await this.deleteManifest.execute({
          repository: name,
          reference,
          actor: actorOf(principal, req),
        });
        return void reply.status(202).send();
      }
      default:
        throw unsupportedMethod(req.method);
    }
  }
}

export function unsupportedMethod(method: string): RegistryHttpError {
  return new RegistryHttpError('UNSUPPORTED', `method ${method} not allowed here`, 405);
}
