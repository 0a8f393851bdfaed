// Limits intake deliveries per space and source, so one noisy or hostile sender cannot starve the
// others (each delivery runs the whole rule pipeline).
import type { MiddlewareHandler } from 'hono';
import { RateLimitedError } from './auth-errors';
import { createRateLimiter, type RateLimit } from './rate-limiter';

const deliveryPath = /^\/api\/spaces\/([^/]+)\/intake\/([^/]+)$/;

/**
 * Middleware for `/api/*`: counts POSTs to `…/intake/{source}` per space and source.
 * @example app.use('/api/*', intakeRateLimit({ limit: 600, windowMs: 60_000 }))
 */
export function intakeRateLimit(limit: RateLimit): MiddlewareHandler {
  const limiter = createRateLimiter(limit);
  return async (c, next) => {
    const match = c.req.method === 'POST' ? deliveryPath.exec(c.req.path) : null;
    if (match) {
      const wait = limiter.hit(`${match[1]}/${match[2]}`);
      if (wait > 0) throw new RateLimitedError(`deliveries from this source`, wait);
    }
    return next();
  };
}
