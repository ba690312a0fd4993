import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OciError, isValidRepositoryName } from '@berth/oci';
import {
  AppendUploadChunkUseCase,
  CancelUploadUseCase,
  CompleteUploadUseCase,
  GetUploadStatusUseCase,
  StartUploadUseCase,
  isGranted,
  uploadRange,
  type RegistryPrincipal,
} from '@berth/registry/domain';
import { unsupportedMethod } from './manifests.handler';
import { RegistryAuthorizer } from './registry-authorizer';
import { parseChunkRange } from './registry-route';
import { queryValue, requestBody, requestLength } from './registry-request';

/** /v2/<name>/blobs/uploads/[<id>]: start (or mount, or monolithic), PATCH, PUT, GET status, DELETE. */
@Injectable()
export class UploadsHandler {
  constructor(
    private readonly auth: RegistryAuthorizer,
    private readonly startUpload: StartUploadUseCase,
    private readonly appendChunk: AppendUploadChunkUseCase,
    private readonly completeUpload: CompleteUploadUseCase,
    private readonly uploadStatus: GetUploadStatusUseCase,
    private readonly cancelUpload: CancelUploadUseCase,
  ) {}

  async handle(
    name: string,
    uploadId: string | undefined,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    if (uploadId === undefined) {
      if (req.method !== 'POST') throw unsupportedMethod(req.method);
      return this.start(name, await this.auth.authorize(req, name, ['pull', 'push']), req, reply);
    }
    await this.auth.authorize(req, name, ['pull', 'push']);
    const location = `/v2/${name}/blobs/uploads/${uploadId}`;
    switch (req.method) {
      case 'GET': {
        const offset = await this.uploadStatus.execute(name, uploadId);
        return void this.progress(reply.status(204), location, uploadId, offset).send();
      }
      case 'PATCH': {
        const range = parseChunkRange(req.headers['content-range']);
        if (range === 'invalid') throw new OciError('BLOB_UPLOAD_INVALID', 'invalid Content-Range');
        const offset = await this.appendChunk.execute({
          repository: name,
          uploadId,
          body: requestBody(req) ?? emptyBody(),
          range,
        });
        return void this.progress(reply.status(202), location, uploadId, offset).send();
      }
      case 'PUT': {
        const range = parseChunkRange(req.headers['content-range']);
        if (range === 'invalid') throw new OciError('BLOB_UPLOAD_INVALID', 'invalid Content-Range');
        const digest = await this.completeUpload.execute({
          repository: name,
          uploadId,
          digest: queryValue(req, 'digest'),
          body: requestBody(req),
          range,
          contentLength: requestLength(req),
        });
        return void this.created(reply, name, digest);
      }
      case 'DELETE':
        await this.cancelUpload.execute(name, uploadId);
        return void reply.status(204).send();
      default:
        throw unsupportedMethod(req.method);
    }
  }

  private async start(
    name: string,
    principal: RegistryPrincipal,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const mountDigest = queryValue(req, 'mount');
    const from = queryValue(req, 'from');
    // A mount needs pull on the source too; without it the client simply uploads.
    const mount =
      mountDigest && from && isValidRepositoryName(from) && isGranted(principal, from, 'pull')
        ? { digest: mountDigest, from }
        : undefined;
    const digest = mountDigest ? undefined : queryValue(req, 'digest');
    const result = await this.startUpload.execute({
      repository: name,
      digest,
      body: requestBody(req),
      contentLength: requestLength(req),
      mount,
    });
    if (result.kind === 'created') return void this.created(reply, name, result.digest);
    const location = `/v2/${name}/blobs/uploads/${result.uploadId}`;
    return void this.progress(reply.status(202), location, result.uploadId, 0).send();
  }

  private progress(
    reply: FastifyReply,
    location: string,
    uploadId: string,
    offset: number,
  ): FastifyReply {
    return reply
      .header('Location', location)
      .header('Docker-Upload-UUID', uploadId)
      .header('Range', uploadRange(offset))
      .header('Content-Length', 0);
  }

  private created(reply: FastifyReply, name: string, digest: string): void {
    reply
      .status(201)
      .header('Location', `/v2/${name}/blobs/${digest}`)
      .header('Docker-Content-Digest', digest)
      .header('Content-Length', 0)
      .send();
  }
}

function emptyBody(): Readable {
  return Readable.from([]);
}
