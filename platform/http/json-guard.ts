// Screens JSON request bodies before any route reads them: malformed JSON, keys that could reach an
// object's prototype, text PostgreSQL cannot store, and absurd nesting are refused with the pointer.
import type { MiddlewareHandler } from 'hono';
import { findProblem } from '../../runtime/json-problems';
import { BatonError } from '../errors';

/** Bodies that must stay unread here: uploads stream to disk, intake verifies the raw bytes. */
const rawBodyPath =
  /^\/api\/spaces\/[^/]+\/(files|tables\/[^/]+\/imports(\/preview)?|intake\/[^/]+)$/;

/** A JSON body Baton will not process; `details.pointer` says where. */
export class JsonBodyError extends BatonError {
  constructor(code: string, message: string, pointer?: string) {
    super(code, 400, message, pointer === undefined ? undefined : { pointer });
  }
}

/**
 * Middleware for `/api/*` JSON bodies. Hono caches the text it reads, so routes parse the same
 * bytes again without another read.
 * @example app.use('/api/*', jsonGuard())
 */
export function jsonGuard(): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (!/\bjson\b/i.test(type) || ['GET', 'HEAD'].includes(c.req.method)) return next();
    if (rawBodyPath.test(c.req.path)) return next();
    const text = await c.req.text();
    if (text.trim() === '') return next();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new JsonBodyError(
        'MALFORMED_JSON',
        `the body is not valid JSON: ${(error as Error).message} / 请求体不是合法的 JSON`,
      );
    }
    const problem = findProblem(parsed);
    if (problem) throw new JsonBodyError(problem.code, problem.message, problem.pointer);
    return next();
  };
}
