import { OciError, type OciErrorCode } from '@berth/oci';

/**
 * An OCI error answered with a status other than its code's usual one, where the spec asks for
 * it (416 for an out-of-order chunk or an unsatisfiable range, 413 for an oversized manifest).
 */
export class RegistryHttpError extends OciError {
  constructor(
    code: OciErrorCode,
    message: string,
    private readonly httpStatus: number,
    headers: Record<string, string> = {},
    detail?: unknown,
  ) {
    super(code, message, detail, headers);
  }

  override get status(): number {
    return this.httpStatus;
  }
}
