// The one switch deciding what an unauthenticated caller may do.

/**
 * Anonymous callers are refused: the authentication middleware (platform/auth/authenticate.ts)
 * names every API caller and answers 401 before a route runs, except on public endpoints (health,
 * login, signed intake), which do not act as anyone. Services reached with an anonymous actor
 * anyway refuse it here too. Baton's own work runs as `systemActor(...)`.
 * @example if (actor.kind === 'anonymous' && !anonymousAllowed()) throw new UnauthenticatedError()
 */
export function anonymousAllowed(): boolean {
  return false;
}
