// The actor behind an HTTP request: set once by authentication, read by every route.
import type { Context } from 'hono';
import { anonymousActor, type Actor } from '../people/actor';

declare module 'hono' {
  interface ContextVariableMap {
    actor: Actor;
  }
}

/**
 * Who is calling. Authentication middleware sets it; before that runs (or when nobody logged in)
 * the caller is anonymous. Routes pass it to services, which decide what it may do.
 * @example const actor = requestActor(c)
 */
export function requestActor(c: Context): Actor {
  return c.get('actor') ?? anonymousActor;
}

/** Records the authenticated caller for the rest of the request. */
export function setRequestActor(c: Context, actor: Actor): void {
  c.set('actor', actor);
}
