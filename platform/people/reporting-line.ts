// The reporting line (users.manager_id): walking up it, and keeping it free of loops.
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { ManagerCycleError } from './people-errors';

/** Deeper than any real organisation; bounds every walk even over bad data. */
const maxDepth = 64;

/**
 * Serializes reporting-line changes for the rest of the transaction: two concurrent updates
 * (A reports to B, B reports to A) would each pass the cycle check alone.
 */
export async function lockReportingLine(tx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('baton.reporting_line'))`.execute(tx);
}

/**
 * Throws `ManagerCycleError` when `managerId` is `userId` or reports to it, naming the loop
 * user → manager → … → user.
 */
export async function assertNoManagerCycle(
  db: Db,
  userId: string,
  managerId: string,
): Promise<void> {
  const user = await db
    .selectFrom('platform.users')
    .select(['id', 'email'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const chain = await managerChain(db, managerId);
  const at = chain.findIndex((u) => u.id === userId);
  if (at >= 0) throw new ManagerCycleError([user, ...chain.slice(0, at + 1)]);
}

/**
 * `userId` and everyone above it, nearest first, each once; the walk stops at the top, before
 * repeating anyone, or after `maxDepth` steps.
 */
export async function managerChain(
  db: Db,
  userId: string,
): Promise<{ readonly id: string; readonly email: string }[]> {
  const result = await sql<{ id: string; email: string }>`
    with recursive chain (id, email, manager_id, depth, seen) as (
      select id, email, manager_id, 1, array[id]
        from platform.users where id = ${userId}
      union all
      select u.id, u.email, u.manager_id, c.depth + 1, c.seen || u.id
        from platform.users u join chain c on u.id = c.manager_id
       where c.depth < ${maxDepth} and not (u.id = any(c.seen))
    )
    select id, email from chain order by depth`.execute(db);
  return result.rows;
}
