// The client's network address, for rate limits: the socket's peer, or the proxy's forwarded one.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** `unknown` when there is no socket (in-process requests in tests). */
export function clientAddress(c: Context, options: { readonly trustProxy: boolean }): string {
  if (options.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
