import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OciError } from '@berth/oci';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import {
  REGISTRY_ACCESS,
  canListCatalog,
  isGranted,
  type RegistryAccess,
  type RegistryPrincipal,
  type RepositoryAction,
} from '@berth/registry/domain';
import { bearerChallenge } from './registry-challenge';

/** Authenticates a /v2/ request and checks its token grants the actions it needs. */
@Injectable()
export class RegistryAuthorizer {
  constructor(
    @Inject(REGISTRY_ACCESS) private readonly access: RegistryAccess,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  authenticate(req: FastifyRequest, scope?: string): Promise<RegistryPrincipal> {
    return this.access.authenticate(req.headers.authorization, scope);
  }

  /** The principal, if every action is granted on the repository; else 401 insufficient_scope. */
  async authorize(
    req: FastifyRequest,
    repository: string,
    actions: RepositoryAction[],
  ): Promise<RegistryPrincipal> {
    const scope = `repository:${repository}:${actions.join(',')}`;
    const principal = await this.authenticate(req, scope);
    if (!actions.every((action) => isGranted(principal, repository, action)))
      throw this.insufficient(scope);
    return principal;
  }

  async authorizeCatalog(req: FastifyRequest): Promise<RegistryPrincipal> {
    const scope = 'registry:catalog:*';
    const principal = await this.authenticate(req, scope);
    if (!canListCatalog(principal)) throw this.insufficient(scope);
    return principal;
  }

  private insufficient(scope: string): OciError {
    return new OciError(
      'UNAUTHORIZED',
      'access to the requested resource is not authorized',
      undefined,
      {
        'WWW-Authenticate': bearerChallenge(this.config.auth.realm, scope, 'insufficient_scope'),
      },
    );
  }
}
