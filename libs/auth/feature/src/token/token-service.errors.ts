/** A refusal by the token service, rendered by TokenServiceErrorFilter; never a 500. */
export class TokenServiceError extends Error {
  constructor(
    readonly status: 400 | 401 | 429,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body['error'] === 'string' ? body['error'] : 'token request refused');
  }

  /** Docker token spec style: `{"errors":[{"code","message"}]}`. */
  static docker(status: 400 | 401, code: string, message: string): TokenServiceError {
    // RFC 9110: a 401 names the scheme the client should use.
    const headers: Record<string, string> =
      status === 401 ? { 'WWW-Authenticate': 'Basic realm="berth"' } : {};
    return new TokenServiceError(status, { errors: [{ code, message }] }, headers);
  }

  /** Too many failed logins for this account or address: 429 with `Retry-After`. */
  static throttled(retryAfterSeconds: number): TokenServiceError {
    return new TokenServiceError(
      429,
      {
        errors: [{ code: 'TOO_MANY_REQUESTS', message: 'too many failed logins; try again later' }],
      },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }

  /** RFC 6749 §5.2 style, for the OAuth2 POST form. */
  static oauth(error: string, description: string): TokenServiceError {
    return new TokenServiceError(400, { error, error_description: description });
  }
}
