// The one switch deciding what an unauthenticated caller may do while login is being rolled out.

/**
 * TEMPORARY compatibility rule: until the authentication middleware names every caller, requests
 * arrive as `anonymous` and are treated as an administrator. Authentication flips this to `false`
 * (then anonymous callers are refused everywhere except public endpoints such as signed intake).
 * @example if (actor.kind === 'anonymous' && !anonymousAllowed()) throw new UnauthenticatedError()
 */
export function anonymousAllowed(): boolean {
  return true;
}
