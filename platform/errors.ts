// Domain errors with stable codes; the HTTP layer maps them to answers in one place.

/** Base class: `code` is stable and machine-readable, `status` is the HTTP answer it maps to. */
export class BatonError extends Error {
  constructor(
    readonly code: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 428 | 429 | 503,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends BatonError {
  constructor(what: string, key: string) {
    super('NOT_FOUND', 404, `${what} "${key}" does not exist`, { what, key });
  }
}

export class ConflictError extends BatonError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, 409, message, details);
  }
}
