import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OciError } from '@berth/oci';
import { ProjectPolicyViolation } from '@berth/registry/domain';
import { DISTRIBUTION_API_VERSION } from './registry-challenge';

/** Renders every error on /v2/ as an OCI error body; unexpected ones are logged and answered 500. */
@Catch()
export class OciErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Registry');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    reply.header('Docker-Distribution-API-Version', DISTRIBUTION_API_VERSION);
    if (error instanceof OciError) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      reply.status(error.status).send(error.toBody());
      return;
    }
    if (error instanceof ProjectPolicyViolation) {
      reply.status(error.status).send(error.toBody());
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const oci = new OciError(status === 404 ? 'NAME_UNKNOWN' : 'UNSUPPORTED', error.message);
      reply.status(status).send(oci.toBody());
      return;
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    reply.status(500).send({ errors: [{ code: 'UNKNOWN', message: 'internal error' }] });
  }
}
