export type StorageErrorCode =
  | 'BLOB_NOT_FOUND'
  | 'RANGE_NOT_SATISFIABLE'
  | 'INVALID_BLOB_KEY'
  | 'BLOB_WRITER_STATE'
  | 'STORAGE_UNAVAILABLE';

/** Base of every error the blob store raises on purpose; callers switch on `code`. */
export abstract class StorageError extends Error {
  abstract readonly code: StorageErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BlobNotFoundError extends StorageError {
  readonly code = 'BLOB_NOT_FOUND';

  constructor(readonly key: string) {
    super(`blob not found: ${key}`);
  }
}

/** A byte range that selects nothing of the blob; `size` is carried for HTTP's 416 Content-Range. */
export class RangeNotSatisfiableError extends StorageError {
  readonly code = 'RANGE_NOT_SATISFIABLE';

  constructor(
    readonly key: string,
    readonly size: number,
    readonly reason: string,
  ) {
    super(`range not satisfiable for ${key} (size ${size}): ${reason}`);
  }
}

export class InvalidBlobKeyError extends StorageError {
  readonly code = 'INVALID_BLOB_KEY';

  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`invalid blob key ${JSON.stringify(key)}: ${reason}`);
  }
}

/** A writer used out of turn: after commit or abort, or while another append is running. */
export class BlobWriterStateError extends StorageError {
  readonly code = 'BLOB_WRITER_STATE';

  constructor(
    readonly key: string,
    readonly operation: string,
    readonly state: string,
  ) {
    super(`cannot ${operation} the writer for ${key}: it is ${state}`);
  }
}

export class StorageUnavailableError extends StorageError {
  readonly code = 'STORAGE_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isStorageError(e: unknown): e is StorageError {
  return e instanceof StorageError;
}
