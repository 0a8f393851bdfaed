// Notifications are personal: a user reads, marks and streams only their own inbox.
import type { Context } from 'hono';
import type { Db } from '../db/database';
import { getPublished } from '../definitions/definition-store';
import { NotFoundError } from '../errors';
import { requestAccess } from './request-access';
import { ForbiddenError } from './permission-errors';

/**
 * Refuses reading or streaming another user's inbox; space administrators and Baton itself may.
 * @example await assertOwnInbox(c, db, space.id, query.user)
 */
export async function assertOwnInbox(
  c: Context,
  db: Db,
  spaceId: string,
  userId: string | null,
): Promise<void> {
  const published = await getPublished(db, spaceId);
  const access = await requestAccess(c, db, spaceId, published.version, published.definition);
  if (access.bypass && access.viewAs === null) return;
  if (access.userId !== null && access.userId === userId) return;
  throw new ForbiddenError('read', 'the notifications of another user');
}

/** The recipient of notification `id` in a space, or a 404. */
export async function notificationOwner(
  db: Db,
  spaceId: string,
  id: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('platform.notifications')
    .select('user_id')
    .where('space_id', '=', spaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('notification', id);
  return row.user_id;
}
