import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TokenServiceError } from './token-service.errors';

@Catch(TokenServiceError)
export class TokenServiceErrorFilter implements ExceptionFilter {
  catch(error: TokenServiceError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    reply.headers({ ...error.headers, 'Cache-Control': 'no-store' }).status(error.status);
    void reply.send(error.body);
  }
}
