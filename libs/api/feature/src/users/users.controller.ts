import {
  Body,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  badRequest,
  firstQueryValue,
  parseListQuery,
  parsePaging,
  type Paging,
  type RawQuery,
} from '@berth/api/domain';
import {
  actorOf,
  AuthenticatedGuard,
  ChangeUserPasswordUseCase,
  CreateUserUseCase,
  CurrentAuthentication,
  DeleteUserUseCase,
  GenerateCliSecretUseCase,
  GetUserUseCase,
  IdentityErrorFilter,
  ListUsersUseCase,
  MAX_SEARCH_RESULTS,
  profileFromBody,
  SearchUsersUseCase,
  SetCliSecretUseCase,
  SetUserSysadminUseCase,
  UpdateUserProfileUseCase,
  type Principal,
  type RequestAuthentication,
} from '@berth/identity/domain';
import { HarborApiController } from '../harbor-api.decorator';
import { setPageHeaders } from '../pagination';
import { objectBody, optionalString, requiredString, userIdParam } from './user-request-body';
import { toUserResp, type UserResp, type UserSearchRespItem } from './user-resp';
import { USERS_LIST_QUERY } from './users-list.query';

/**
 * Harbor's `/api/v2.0/users`. Every route needs a signed-in caller (Basic, or the session cookie
 * with the CSRF token on writes); who may do what is decided by the identity use cases.
 */
// Listed first so it is tried first: identity refusals keep their message and Retry-After.
@UseFilters(IdentityErrorFilter)
@HarborApiController('users')
@UseGuards(AuthenticatedGuard)
export class UsersController {
  constructor(
    private readonly listUsers: ListUsersUseCase,
    private readonly createUser: CreateUserUseCase,
    private readonly searchUsers: SearchUsersUseCase,
    private readonly getUser: GetUserUseCase,
    private readonly updateProfile: UpdateUserProfileUseCase,
    private readonly deleteUser: DeleteUserUseCase,
    private readonly changePassword: ChangeUserPasswordUseCase,
    private readonly setSysadmin: SetUserSysadminUseCase,
    private readonly setCliSecret: SetCliSecretUseCase,
    private readonly generateCliSecret: GenerateCliSecretUseCase,
  ) {}

  @Get()
  async list(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserResp[]> {
    const paging = parsePaging(query);
    const list = parseListQuery(query, USERS_LIST_QUERY);
    const page = await this.listUsers.execute(auth.principal, list, paging);
    setPageHeaders(req, reply, paging, page.total);
    return page.users.map(toUserResp);
  }

  @Post()
  @HttpCode(201)
  async create(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const fields = objectBody(body);
    const user = await this.createUser.execute(
      auth.principal,
      {
        username: requiredString(fields, 'username'),
        email: requiredString(fields, 'email'),
        password: requiredString(fields, 'password'),
        realname: optionalString(fields, 'realname'),
        comment: optionalString(fields, 'comment'),
      },
      actorOf(auth.principal, req),
    );
    reply.header('Location', `${req.url.split('?', 1)[0].replace(/\/+$/, '')}/${user.id}`);
  }

  @Get('current')
  async current(@CurrentAuthentication() auth: RequestAuthentication): Promise<UserResp> {
    return toUserResp(await this.getUser.execute(auth.principal, callerId(auth.principal)));
  }

  @Get('search')
  async search(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserSearchRespItem[]> {
    const username = firstQueryValue(query, 'username');
    if (username === undefined || username === '')
      throw badRequest('username in query is required');
    const paging = capped(parsePaging(query), MAX_SEARCH_RESULTS);
    const page = await this.searchUsers.execute(auth.principal, username, paging);
    setPageHeaders(req, reply, paging, page.total);
    return page.users.map((u) => ({ user_id: u.id, username: u.username }));
  }

  @Put('current/password')
  async changeOwnPassword(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    await this.changePassword.execute(
      auth.principal,
      callerId(auth.principal),
      passwordReq(body),
      actorOf(auth.principal, req),
    );
  }

  @Get(':user_id')
  async get(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Param('user_id') userId: string,
  ): Promise<UserResp> {
    return toUserResp(await this.getUser.execute(auth.principal, userIdParam(userId)));
  }

  @Put(':user_id')
  async update(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Param('user_id') userId: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    // Only email, realname and comment are read: sysadmin_flag and the like cannot ride along.
    await this.updateProfile.execute(
      auth.principal,
      userIdParam(userId),
      profileFromBody(objectBody(body)),
      actorOf(auth.principal, req),
    );
  }

  @Delete(':user_id')
  async delete(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Param('user_id') userId: string,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    await this.deleteUser.execute(
      auth.principal,
      userIdParam(userId),
      actorOf(auth.principal, req),
    );
  }

  @Put(':user_id/password')
  async changeUserPassword(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Param('user_id') userId: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    await this.changePassword.execute(
      auth.principal,
      userIdParam(userId),
      passwordReq(body),
      actorOf(auth.principal, req),
    );
  }

  @Put(':user_id/sysadmin')
  async setSysadminFlag(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Param('user_id') userId: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const flag = objectBody(body)['sysadmin_flag'];
    if (typeof flag !== 'boolean') throw badRequest('sysadmin_flag must be true or false');
    await this.setSysadmin.execute(
      auth.principal,
      userIdParam(userId),
      flag,
      actorOf(auth.principal, req),
    );
  }

  /** Harbor's body `{secret}` sets the secret; without one Berth generates it and shows it once. */
  @Put(':user_id/cli_secret')
  async setSecret(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Param('user_id') userId: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ secret: string } | undefined> {
    const id = userIdParam(userId);
    const audit = actorOf(auth.principal, req);
    const secret = body === undefined || body === null ? undefined : objectBody(body)['secret'];
    if (secret !== undefined && typeof secret !== 'string')
      throw badRequest('secret must be a string');
    reply.header('Cache-Control', 'no-store');
    if (secret !== undefined && secret !== '') {
      await this.setCliSecret.execute(auth.principal, id, secret, audit);
      return undefined;
    }
    return { secret: await this.generateCliSecret.execute(auth.principal, id, audit) };
  }
}

function callerId(principal: Principal): number {
  // AuthenticatedGuard lets no anonymous caller through; robots are not users.
  if (principal.kind !== 'user') throw badRequest('only users have a user record');
  return principal.id;
}

function passwordReq(body: unknown): { oldPassword?: string; newPassword: string } {
  const fields = objectBody(body);
  return {
    oldPassword: optionalString(fields, 'old_password'),
    newPassword: requiredString(fields, 'new_password'),
  };
}

function capped(paging: Paging, max: number): Paging {
  const pageSize = Math.min(paging.pageSize, max);
  return { page: paging.page, pageSize, offset: (paging.page - 1) * pageSize, limit: pageSize };
}
