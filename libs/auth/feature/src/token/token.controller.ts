import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Post,
  Query,
  UseFilters,
} from '@nestjs/common';
import { TOKEN_JWKS_PATH } from '@berth/contracts';
import type { JwkSet } from '@berth/platform/jwt';
import { SigningKeyCache } from '../signing-keys/signing-key.cache';
import { AuthenticateAdminUseCase } from './authenticate-admin.usecase';
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
 * The Docker token service. No login throttling yet: each attempt costs a ~30 ms scrypt;
 * per-client rate limits come with users and robots.
 */
@Controller()
@UseFilters(TokenServiceErrorFilter)
export class TokenController {
  constructor(
    private readonly authenticate: AuthenticateAdminUseCase,
    private readonly issue: IssueRegistryTokenUseCase,
    private readonly keys: SigningKeyCache,
  ) {}

  @Get('service/token')
  @Header('Cache-Control', 'no-store')
  async getToken(
    @Query() query: unknown,
    @Headers('authorization') authorization: unknown,
  ): Promise<TokenResponse> {
    return this.respond(parseGetTokenRequest(query, authorization));
  }

  @Post('service/token')
  @HttpCode(200) // RFC 6749 §5.1: a token response is 200, not Nest's default 201
  @Header('Cache-Control', 'no-store')
  async postToken(@Body() body: unknown): Promise<TokenResponse> {
    return this.respond(parsePostTokenRequest(body));
  }

  @Get(TOKEN_JWKS_PATH.replace(/^\//, ''))
  @Header('Cache-Control', 'public, max-age=60')
  jwks(): Promise<JwkSet> {
    return this.keys.jwks();
  }

  private async respond(request: TokenRequest): Promise<TokenResponse> {
    let principal: Principal = ANONYMOUS;
    if (request.credentials) {
      const authenticated = await this.authenticate.execute(request.credentials);
      if (!authenticated)
        throw TokenServiceError.docker(401, 'UNAUTHORIZED', 'invalid credentials');
      principal = authenticated;
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
