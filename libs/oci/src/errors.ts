/** Error codes of the OCI distribution spec, with the HTTP status each is answered with. */
export const ociErrorStatus = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  // 400, as the distribution registry answers it: the manifest is the bad part of the request.
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 415,
  TOOMANYREQUESTS: 429,
} as const;

export type OciErrorCode = keyof typeof ociErrorStatus;

export interface OciErrorBody {
  errors: Array<{ code: OciErrorCode; message: string; detail?: unknown }>;
}

/** An OCI error as a value: code, message and optional detail, rendered as the spec's body. */
export class OciError extends Error {
  constructor(
    readonly code: OciErrorCode,
    message: string,
    readonly detail?: unknown,
    /** Response headers the error needs, e.g. the WWW-Authenticate challenge of a 401. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get status(): number {
    return ociErrorStatus[this.code];
  }

  toBody(): OciErrorBody {
    return {
      errors: [
        {
          code: this.code,
          message: this.message,
          ...(this.detail === undefined ? {} : { detail: this.detail }),
        },
      ],
    };
  }
}
