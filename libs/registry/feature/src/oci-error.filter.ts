import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OciError } from '@berth/oci';
import { DISTRIBUTION_API_VERSION } from './registry-challenge';

/** Renders errors on /v2/ as OCI error bodies; unexpected ones are logged by Nest and answered generically. */
@Catch(OciError, HttpException)
export class OciErrorFilter implements ExceptionFilter {
  catch(error: OciError | HttpException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const oci =
      error instanceof OciError
        ? error
        : new OciError(error.getStatus() === 404 ? 'NAME_UNKNOWN' : 'UNSUPPORTED', error.message);
    const status = error instanceof OciError ? error.status : error.getStatus();
    reply
      .header('Docker-Distribution-API-Version', DISTRIBUTION_API_VERSION)
      .status(status)
      .send(oci.toBody());
  }
}
