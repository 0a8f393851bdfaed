// Away / on shift: what assignment honours. People set their own; their managers and administrators set it for them.
import { sql } from 'kysely';
import { recordAdminAction } from '../auth/admin-audit';
import type { Db } from '../db/database';
import { joinTransaction } from '../intake/joined-transaction';
import { ForbiddenError, UnauthenticatedError } from '../permissions/permission-errors';
import { systemActor, type Actor } from './actor';
import { managerChain } from './reporting-line';
import { getUserOrThrow, updateUser, type User } from './user-repository';

export interface AvailabilityPatch {
  /** Away (holiday, sick leave): no new leads while true. */
  readonly away?: boolean;
  /** Within working hours: no new leads while false. */
  readonly onShift?: boolean;
}

/**
 * Changes `userId`'s availability. Allowed to the user themselves, to anyone above them on the
 * reporting line (a supervisor for their reps, a director for everyone below), to platform
 * administrators and to administrators of a space the user is a member of. A change made for
 * someone else is written to the admin audit log with the change, in one transaction.
 * @example await setAvailability(db, requestActor(c), repId, { away: true })
 */
export async function setAvailability(
  db: Db,
  actor: Actor,
  userId: string,
  patch: AvailabilityPatch,
): Promise<User> {
  await getUserOrThrow(db, userId);
  if (actor.kind === 'anonymous') throw new UnauthenticatedError();
  const self = actor.kind === 'user' && actor.userId === userId;
  if (actor.kind === 'user' && !self && !(await oversees(db, actor.userId, userId))) {
    throw new ForbiddenError('manage', 'the availability of someone who does not report to you', {
      user: userId,
    });
  }
  return db.transaction().execute(async (tx) => {
    const user = await updateUser(joinTransaction(tx), userId, patch, systemActor('availability'));
    if (!self) {
      await recordAdminAction(tx, actor, {
        action: 'user.update',
        target: userId,
        details: { availability: patch },
      });
    }
    return user;
  });
}

/** Whether `managerId` is above `userId` on the reporting line or administers them. */
async function oversees(db: Db, managerId: string, userId: string): Promise<boolean> {
  const chain = await managerChain(db, userId);
  if (chain.slice(1).some((u) => u.id === managerId)) return true;
  const result = await sql<{ admin: boolean }>`
    select coalesce((to_jsonb(u) ->> 'platform_admin')::boolean, false) or exists (
      select 1
        from platform.space_members mine
        join platform.space_members theirs on theirs.space_id = mine.space_id
        join platform.spaces s on s.id = mine.space_id
        left join lateral (
          select d.definition from platform.definition_versions d
           where d.space_id = s.id order by d.version desc limit 1
        ) published on true
       where mine.user_id = u.id and theirs.user_id = ${userId}::uuid
         and ('admin' = any(mine.roles) or exists (
           select 1 from jsonb_array_elements(coalesce(published.definition -> 'roles', '[]')) r
            where (r ->> 'admin')::boolean and r ->> 'key' = any(mine.roles)))
    ) as admin
      from platform.users u
     where u.id = ${managerId}::uuid and u.active`.execute(db);
  return result.rows[0]?.admin === true;
}
