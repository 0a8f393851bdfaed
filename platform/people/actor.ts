// Who performs a people operation, and whether they may: login names the actor, the permission model decides.
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { getPublished } from '../definitions/definition-store';
import { anonymousAllowed } from '../permissions/anonymous-access';
import { ForbiddenError, UnauthenticatedError } from '../permissions/permission-errors';

/** The caller of a service function; `anonymous` when nobody signed in. */
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
 * Checks that `actor` may perform `action`, throwing a 401/403-mapped error when refused. Baton
 * itself may do anything; anonymous callers only while `anonymousAllowed()` says so; signed-in
 * users read the directory, members and (the routes check: their own) notifications; changing
 * people needs a platform administrator, changing a space's members also a space administrator
 * (`spaceId`).
 * @example await authorizePeople(db, actor, 'users.write')
 */
export async function authorizePeople(
  db: Db,
  actor: Actor,
  action: PeopleAction,
  spaceId?: string,
): Promise<void> {
  if (actor.kind === 'system') return;
  if (actor.kind === 'anonymous') {
    if (anonymousAllowed()) return;
    throw new UnauthenticatedError();
  }
  if (action !== 'users.write' && action !== 'members.write') return;
  const user = await db
    .selectFrom('platform.users')
    .select(
      sql<boolean>`coalesce((to_jsonb(users) ->> 'platform_admin')::boolean, false)`.as('admin'),
    )
    .where('id', '=', actor.userId)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!user) throw new UnauthenticatedError();
  if (user.admin) return;
  if (action === 'members.write' && spaceId !== undefined) {
    const member = await db
      .selectFrom('platform.space_members')
      .select('roles')
      .where('space_id', '=', spaceId)
      .where('user_id', '=', actor.userId)
      .executeTakeFirst();
    const definition = (await getPublished(db, spaceId)).definition;
    const adminRoles = new Set([
      'admin',
      ...(definition.roles ?? []).filter((r) => r.admin === true).map((r) => r.key),
    ]);
    if (member?.roles.some((r) => adminRoles.has(r))) return;
  }
  throw new ForbiddenError('manage', action === 'users.write' ? 'users' : 'space members');
}
