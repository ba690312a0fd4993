import { All, Controller, Get, Inject, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { OciError } from '@berth/oci';
import { OciErrorFilter } from './oci-error.filter';
import { DISTRIBUTION_API_VERSION, bearerChallenge } from './registry-challenge';

/**
 * The `/v2/` base endpoint. Until token auth lands every request is unauthenticated, so
 * clients get the spec's 401 with a challenge naming the token endpoint.
 */
@Controller('v2')
@UseFilters(OciErrorFilter)
export class BaseController {
  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {}

  @Get()
  base(@Res({ passthrough: true }) reply: FastifyReply): never {
    return this.challenge(reply);
  }

  @All('*')
  anything(@Res({ passthrough: true }) reply: FastifyReply): never {
    return this.challenge(reply);
  }

  private challenge(reply: FastifyReply): never {
    reply.header('Docker-Distribution-API-Version', DISTRIBUTION_API_VERSION);
    reply.header('WWW-Authenticate', bearerChallenge(this.config.http.externalUrl));
    throw new OciError('UNAUTHORIZED', 'authentication required');
  }
}
