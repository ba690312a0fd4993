import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Ip,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  clearedSessionCookie,
  CSRF_HEADER,
  EndSessionUseCase,
  IdentityError,
  IdentityErrorFilter,
  readCookie,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  sessionCookie,
  StartSessionUseCase,
} from '@berth/identity/domain';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';

/** Harbor's portal login: a form with `principal` and `password`; the session rides in a cookie. */
@Controller('c')
@UseFilters(IdentityErrorFilter)
export class LoginController {
  private readonly secureCookie: boolean;

  constructor(
    @Inject(BERTH_CONFIG) config: BerthConfig,
    private readonly start: StartSessionUseCase,
    private readonly end: EndSessionUseCase,
  ) {
    this.secureCookie = config.http.externalUrl.startsWith('https:');
  }

  @Post('login')
  @HttpCode(200)
  async login(
    @Body() body: unknown,
    @Ip() source: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const form = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const principal = form['principal'];
    const password = form['password'];
    if (typeof principal !== 'string' || typeof password !== 'string' || !principal || !password) {
      throw new IdentityError('BAD_REQUEST', 'principal and password are required');
    }
    const session = await this.start.execute(principal, password, source);
    reply
      .header(
        'Set-Cookie',
        sessionCookie(session.sessionId, SESSION_TTL_SECONDS, this.secureCookie),
      )
      .header(CSRF_HEADER, session.csrfToken)
      .header('Cache-Control', 'no-store');
  }

  @Get('log_out')
  async logOut(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.end.execute(readCookie(req.headers.cookie, SESSION_COOKIE), req.ip);
    reply.header('Set-Cookie', clearedSessionCookie(this.secureCookie));
  }
}
