import type { ManifestEntity } from '../entities/manifest.entity';
import type { RegistryPrincipal } from './registry-access.port';

/** A manifest GET about to be answered. */
export interface ManifestPull {
  repository: string;
  manifest: ManifestEntity;
  principal: RegistryPrincipal;
}

/**
 * A project policy a manifest GET must satisfy (the vulnerability gate). `violation` answers
 * the message to refuse the pull with, or undefined to let it go ahead.
 */
export interface ManifestPullPolicy {
  violation(pull: ManifestPull): Promise<string | undefined>;
}

export const MANIFEST_PULL_POLICY = Symbol('MANIFEST_PULL_POLICY');

/** A pull refused by a project policy: 412 with Harbor's `PROJECTPOLICYVIOLATION` code. */
export class ProjectPolicyViolation extends Error {
  readonly code = 'PROJECTPOLICYVIOLATION';
  readonly status = 412;

  toBody(): { errors: Array<{ code: string; message: string }> } {
    return { errors: [{ code: this.code, message: this.message }] };
  }
}
