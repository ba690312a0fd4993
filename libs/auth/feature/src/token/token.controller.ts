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
import { API_TOKEN_SERVICE, TOKEN_JWKS_PATH } from '@berth/contracts';
import type { JwkSet } from '@berth/platform/jwt';
import { IssueRefreshTokenUseCase } from '../refresh-tokens/issue-refresh-token.usecase';
import { RedeemRefreshTokenUseCase } from '../refresh-tokens/redeem-refresh-token.usecase';
import { SigningKeyCache } from '../signing-keys/signing-key.cache';
import { LoginAudit, namedActor, VerifyCredentialsUseCase } from '@berth/identity/domain';
import { IssueApiTokenUseCase } from './issue-api-token.usecase';
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
  /** Only when asked for (`access_type=offline`, `offline_token=true`) with credentials. */
  refresh_token?: string;
}

/**
 * The Docker token service. Any local user may get a token, with their password or CLI
 * secret, or with a refresh token; repeated failures are throttled per account and per
 * address (429). `service=berth-registry` gives registry tokens, `service=berth-api` tokens
 * for the REST API's `Authorization: Bearer`.
 */
@Controller()
@UseFilters(TokenServiceErrorFilter)
export class TokenController {
  constructor(
    private readonly verify: VerifyCredentialsUseCase,
    private readonly issue: IssueRegistryTokenUseCase,
    private readonly issueApi: IssueApiTokenUseCase,
    private readonly issueRefresh: IssueRefreshTokenUseCase,
    private readonly redeemRefresh: RedeemRefreshTokenUseCase,
    private readonly keys: SigningKeyCache,
    private readonly audit: LoginAudit,
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
    let refreshToken: string | undefined;
    if (request.refreshToken !== undefined) {
      const redeemed = await this.redeemRefresh.execute(
        request.refreshToken,
        request.clientId ?? '',
      );
      // RFC 6749 §5.2: an unknown, expired, revoked or foreign refresh token is invalid_grant.
      if (!redeemed) throw TokenServiceError.oauth('invalid_grant', 'invalid refresh token');
      principal = redeemed;
    } else if (request.credentials) {
      const result = await this.verify.execute({
        ...request.credentials,
        source,
        allowCliSecret: true,
      });
      const actor = namedActor(request.credentials.username, source);
      if (result.outcome === 'locked') {
        await this.audit.failed('token', actor, 'too many attempts');
        throw TokenServiceError.throttled(result.retryAfterSeconds);
      }
      if (result.outcome === 'invalid') {
        await this.audit.failed('token', actor, result.reason);
        throw TokenServiceError.docker(401, 'UNAUTHORIZED', 'invalid credentials');
      }
      // Only `docker login` (which asks for a refresh token) is a login; every pull and push
      // fetches a token with the same credentials and would drown the audit log.
      if (request.offline) await this.audit.succeeded('token', actor);
      principal = result.principal;
      if (request.offline && request.clientId) {
        refreshToken = await this.issueRefresh.execute(result.principal, request.clientId);
      }
    }
    let issued: { token: string; expiresIn: number; issuedAt: string };
    if (request.service === API_TOKEN_SERVICE) {
      // An API token names an account; there is none to name for an anonymous caller.
      if (principal.kind === 'anonymous') {
        throw TokenServiceError.docker(401, 'UNAUTHORIZED', 'credentials required');
      }
      issued = await this.issueApi.execute(principal);
    } else {
      issued = await this.issue.execute(principal, request.requested);
    }
    return {
      token: issued.token,
      access_token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt,
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    };
  }
}
