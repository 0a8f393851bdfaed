// Who performs a people operation: the seam where login and permissions (issue 7) plug in.

/** The caller of a service function. Until login exists every HTTP caller is `anonymous`. */
export type Actor =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'system'; readonly component: string }
  | { readonly kind: 'user'; readonly userId: string };

export const anonymousActor: Actor = { kind: 'anonymous' };

/** Baton itself acting, e.g. a workflow activity resolving recipients. */
export function systemActor(component: string): Actor {
  return { kind: 'system', component };
}

/** What an actor asks to do with people data and their notifications. */
export type PeopleAction =
  | 'users.read'
  | 'users.write'
  | 'members.read'
  | 'members.write'
  | 'notifications.read'
  | 'notifications.write';

/**
 * Checks that `actor` may perform `action`. It allows everything today; issue 7 replaces the body
 * with the permission model and throws a 403-mapped error when refused. Every people service
 * function calls it first, so the routes need no change then.
 * @example authorizePeople(actor, 'users.write')
 */
export function authorizePeople(actor: Actor, action: PeopleAction): void {
  void actor;
  void action;
}
