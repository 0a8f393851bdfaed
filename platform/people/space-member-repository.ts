// Space membership: which users work in a space, with which roles (supervisor, director, …).
import type { Db } from '../db/database';
import { authorizePeople, type Actor } from './actor';
import { getUserOrThrow, toUser, type User } from './user-repository';
import { forgetPeople } from '../auth/people-cache';

export interface SpaceMember {
  readonly spaceId: string;
  readonly user: User;
  readonly roles: readonly string[];
}

/**
 * Makes a user a member of a space with exactly these roles (an empty list keeps the membership
 * without roles).
 * @example await setMemberRoles(db, space.id, userId, ['supervisor'], actor)
 */
export async function setMemberRoles(
  db: Db,
  spaceId: string,
  userId: string,
  roles: readonly string[],
  actor: Actor,
): Promise<SpaceMember> {
  await authorizePeople(db, actor, 'members.write', spaceId);
  const user = await getUserOrThrow(db, userId);
  const unique = [...new Set(roles)];
  await db
    .insertInto('platform.space_members')
    .values({ space_id: spaceId, user_id: user.id, roles: unique })
    .onConflict((oc) => oc.columns(['space_id', 'user_id']).doUpdateSet({ roles: unique }))
    .execute();
  forgetPeople();
  return { spaceId, user, roles: unique };
}

/** Members of a space ordered by e-mail address, optionally only those holding `role`. */
export async function listMembers(
  db: Db,
  spaceId: string,
  query: { readonly role?: string },
  actor: Actor,
): Promise<SpaceMember[]> {
  await authorizePeople(db, actor, 'members.read', spaceId);
  const rows = await db
    .selectFrom('platform.space_members as m')
    .innerJoin('platform.users as u', 'u.id', 'm.user_id')
    .selectAll('u')
    .select('m.roles')
    .where('m.space_id', '=', spaceId)
    .$if(query.role !== undefined, (q) =>
      q.where((eb) => eb(eb.val(query.role ?? ''), '=', eb.fn.any('m.roles'))),
    )
    .orderBy('u.email')
    .execute();
  return rows.map(({ roles, ...user }) => ({ spaceId, user: toUser(user), roles }));
}
