import type { Provider } from '@nestjs/common';
import { OciError } from '@berth/oci';
import {
  REGISTRY_ACCESS,
  type RegistryAccess,
  type RegistryPrincipal,
} from '@berth/registry/domain';
import { bearerChallenge } from '../registry-challenge';

export const TEST_ADMIN_TOKEN = 'test-admin';
/** A token that can pull `library/readonly` and nothing else. */
export const TEST_READER_TOKEN = 'test-reader';

/** Grants everything to `Bearer test-admin`; anything else gets the challenge. For tests only. */
export function testRegistryAccess(realm = 'http://registry.test/service/token'): Provider {
  const access: RegistryAccess = {
    async authenticate(authorization, scope): Promise<RegistryPrincipal> {
      if (authorization === `Bearer ${TEST_ADMIN_TOKEN}`) {
        return {
          subject: 'admin',
          access: [{ type: 'registry', name: 'catalog', actions: ['*'] }, ...wildcard(scope)],
        };
      }
      if (authorization === `Bearer ${TEST_READER_TOKEN}`)
        return {
          subject: 'reader',
          access: [{ type: 'repository', name: 'library/readonly', actions: ['pull'] }],
        };
      throw new OciError('UNAUTHORIZED', 'authentication required', undefined, {
        'WWW-Authenticate': bearerChallenge(realm, scope),
      });
    },
  };
  return { provide: REGISTRY_ACCESS, useValue: access };
}

/** The admin holds `*` on whatever repository is asked about, and on `from` repositories of mounts. */
function wildcard(scope: string | undefined): RegistryPrincipal['access'] {
  const name = scope?.split(':')[1];
  return name
    ? [
        { type: 'repository', name, actions: ['*'] },
        { type: 'repository', name: 'library/source', actions: ['*'] },
      ]
    : [];
}
