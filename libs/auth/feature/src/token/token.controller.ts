import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Ip,
  Post,
  Query,
  UseFilters,
} from '@nestjs/common';
import { TOKEN_JWKS_PATH } from '@berth/contracts';
import type { JwkSet } from '@berth/platform/jwt';
import { SigningKeyCache } from '../signing-keys/signing-key.cache';
import { VerifyCredentialsUseCase } from '@berth/identity/domain';
import { IssueRegistryTokenUseCase } from './issue-registry-token.usecase';
import { ANONYMOUS, type Principal } from './principal';
import { parseGetTokenRequest, parsePostTokenRequest, type TokenRequest } from './token-request';
import { TokenServiceError } from './token-service.errors';
import { TokenServiceErrorFilter } from './token-service-error.filter';

export interface TokenResponse {
  token: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
}

/**
 * The Docker token service. Any local user may get a token, with their password or CLI
 * secret; repeated failures are throttled per account and per address (429).
 */
@Controller()
@UseFilters(TokenServiceErrorFilter)
export class TokenController {
  constructor(
    private readonly verify: VerifyCredentialsUseCase,
    private readonly issue: IssueRegistryTokenUseCase,
    private readonly keys: SigningKeyCache,
  ) {}

  @Get('service/token')
  @Header('Cache-Control', 'no-store')
  async getToken(
    @Query() query: unknown,
    @Headers('authorization') authorization: unknown,
    @Ip() source: string,
  ): Promise<TokenResponse> {
    return this.respond(parseGetTokenRequest(query, authorization), source);
  }

  @Post('service/token')
  @HttpCode(200) // RFC 6749 §5.1: a token response is 200, not Nest's default 201
  @Header('Cache-Control', 'no-store')
  async postToken(@Body() body: unknown, @Ip() source: string): Promise<TokenResponse> {
    return this.respond(parsePostTokenRequest(body), source);
  }

  @Get(TOKEN_JWKS_PATH.replace(/^\//, ''))
  @Header('Cache-Control', 'public, max-age=60')
  jwks(): Promise<JwkSet> {
    return this.keys.jwks();
  }

  private async respond(request: TokenRequest, source: string): Promise<TokenResponse> {
    let principal: Principal = ANONYMOUS;
    if (request.credentials) {
      const result = await this.verify.execute({
        ...request.credentials,
        source,
        allowCliSecret: true,
      });
      if (result.outcome === 'locked') throw TokenServiceError.throttled(result.retryAfterSeconds);
      if (result.outcome === 'invalid') {
        throw TokenServiceError.docker(401, 'UNAUTHORIZED', 'invalid credentials');
      }
      principal = result.principal;
    }
    const issued = await this.issue.execute(principal, request.requested);
    return {
      token: issued.token,
      access_token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt,
    };
  }
}
