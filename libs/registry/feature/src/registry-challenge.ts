export const DISTRIBUTION_API_VERSION = 'registry/2.0';
export const REGISTRY_TOKEN_SERVICE = 'berth-registry';

/** The Docker token-auth challenge that sends clients to the auth app's token endpoint. */
export function bearerChallenge(
  /** The token endpoint's URL (`config.auth.realm`). */
  realm: string,
  scope?: string,
  /** `insufficient_scope` when a valid token lacks the access (Docker token spec, RFC 6750 §3.1). */
  error?: 'insufficient_scope',
): string {
  const parts = [`realm="${realm}"`, `service="${REGISTRY_TOKEN_SERVICE}"`];
  if (scope) parts.push(`scope="${scope}"`);
  if (error) parts.push(`error="${error}"`);
  return `Bearer ${parts.join(',')}`;
}
