import {
  createParamDecorator,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { IdentityError } from './identity.errors';
import {
  RequestAuthenticator,
  type AuthenticatableRequest,
  type RequestAuthentication,
} from './request-authenticator';

const authentications = new WeakMap<object, RequestAuthentication>();

/**
 * Guard for API routes that need a signed-in user: authenticates the request (Basic, or
 * session cookie with CSRF on writes) and refuses anonymous callers with 401. Read the result
 * with `@CurrentAuthentication()`.
 */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  constructor(private readonly authenticator: RequestAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatableRequest & object>();
    const auth = await this.authenticator.authenticateRequest(req);
    if (auth.principal.kind === 'anonymous') {
      throw new IdentityError('UNAUTHORIZED', 'authentication required');
    }
    authentications.set(req, auth);
    return true;
  }
}

export const CurrentAuthentication = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RequestAuthentication => {
    const auth = authentications.get(context.switchToHttp().getRequest<object>());
    if (!auth) throw new Error('CurrentAuthentication used on a route without AuthenticatedGuard');
    return auth;
  },
);
