import { Body, Controller, Put, UseFilters, UseGuards } from '@nestjs/common';
import {
  AuthenticatedGuard,
  ChangeUserPasswordUseCase,
  CurrentAuthentication,
  IdentityError,
  IdentityErrorFilter,
  type RequestAuthentication,
} from '@berth/identity/domain';

/**
 * `PUT /api/v2.0/users/current/password` (Harbor's PasswordReq body). Lives here until the
 * Harbor API feature takes over `/api/v2.0/users`.
 */
@Controller('api/v2.0/users')
@UseFilters(IdentityErrorFilter)
@UseGuards(AuthenticatedGuard)
export class UserPasswordController {
  constructor(private readonly changePassword: ChangeUserPasswordUseCase) {}

  @Put('current/password')
  async changeOwnPassword(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Body() body: unknown,
  ): Promise<void> {
    if (auth.principal.kind !== 'user')
      throw new IdentityError('UNAUTHORIZED', 'authentication required');
    const req = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const oldPassword = req['old_password'];
    const newPassword = req['new_password'];
    if (
      typeof newPassword !== 'string' ||
      (oldPassword !== undefined && typeof oldPassword !== 'string')
    ) {
      throw new IdentityError('BAD_REQUEST', 'new_password (and old_password) must be strings');
    }
    await this.changePassword.execute(auth.principal, auth.principal.id, {
      oldPassword,
      newPassword,
    });
  }
}
