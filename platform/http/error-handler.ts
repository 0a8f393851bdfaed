// Turns every thrown error into `{ error: { code, message, details } }` with the right status.
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { BatonError } from '../errors';
import type { Logger } from '../logger';

/** The JSON body of every error answer. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

/** Builds the app's single `onError`. */
export function createErrorHandler(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof BatonError) {
      const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)
        ?.retryAfterSeconds;
      if (error.status === 429 && typeof retryAfter === 'number') {
        c.header('Retry-After', String(retryAfter));
      }
      return c.json(body(error.code, error.message, error.details), error.status);
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const code =
        status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 400 ? 'BAD_REQUEST' : 'HTTP_ERROR';
      return c.json(body(code, error.message || 'request refused'), status);
    }
    logger.error('unhandled error', { error, path: c.req.path, method: c.req.method });
    return c.json(body('INTERNAL', 'internal error'), 500);
  };
}

/** Answer for a route that does not exist. */
export function notFound(c: Context) {
  return c.json(body('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404);
}

function body(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
