/** Why a token was refused; stable strings for logs and tests, never shown to clients verbatim. */
export type JwtRefusal =
  | 'malformed'
  | 'unsupported_alg'
  | 'untrusted_key_header'
  | 'unsupported_crit'
  | 'unknown_kid'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer';

export class JwtError extends Error {
  constructor(
    readonly refusal: JwtRefusal,
    message: string,
  ) {
    super(message);
  }
}
