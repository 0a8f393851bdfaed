// Reads notifications for the inbox and marks them read.
import type { Selectable } from 'kysely';
import type { Db } from '../db/database';
import type { NotificationChannel, NotificationsTable } from '../db/schema';
import { NotFoundError } from '../errors';

export interface Notification {
  readonly id: string;
  readonly spaceId: string;
  readonly userId: string | null;
  readonly channel: NotificationChannel;
  /** E-mail address, or the robot URL without its query (which carries the token). */
  readonly address: string | null;
  readonly title: string;
  readonly body: string;
  readonly tableKey: string | null;
  readonly recordId: string | null;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly error: string | null;
  readonly createdAt: string;
  readonly sentAt: string | null;
  readonly readAt: string | null;
}

export interface InboxQuery {
  readonly channel?: NotificationChannel;
  readonly unreadOnly?: boolean;
  readonly limit?: number;
}

/** A user's notifications in a space: unread first, newest first within each group. */
export async function listNotifications(
  db: Db,
  spaceId: string,
  userId: string,
  query: InboxQuery = {},
): Promise<Notification[]> {
  const rows = await db
    .selectFrom('platform.notifications')
    .selectAll()
    .where('space_id', '=', spaceId)
    .where('user_id', '=', userId)
    .where('channel', '=', query.channel ?? 'inapp')
    .$if(query.unreadOnly === true, (q) => q.where('read_at', 'is', null))
    .orderBy((eb) => eb('read_at', 'is', null), 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit ?? 50)
    .execute();
  return rows.map(toNotification);
}

/** Delivered in-app notifications after `afterId`, oldest first: the replay of a reconnecting stream. */
export async function listInAppAfter(
  db: Db,
  spaceId: string,
  userId: string,
  afterId: string,
  limit = 200,
): Promise<Notification[]> {
  const rows = await db
    .selectFrom('platform.notifications')
    .selectAll()
    .where('space_id', '=', spaceId)
    .where('user_id', '=', userId)
    .where('channel', '=', 'inapp')
    .where('status', '=', 'sent')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toNotification);
}

/** How many in-app notifications the user has not read in the space. */
export async function countUnread(db: Db, spaceId: string, userId: string): Promise<number> {
  const row = await db
    .selectFrom('platform.notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('space_id', '=', spaceId)
    .where('user_id', '=', userId)
    .where('channel', '=', 'inapp')
    .where('status', '=', 'sent')
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findNotification(db: Db, id: string): Promise<Notification | undefined> {
  const row = await db
    .selectFrom('platform.notifications')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toNotification(row);
}

/** Marks a notification of the space read (once: a second call keeps the first time). */
export async function markNotificationRead(
  db: Db,
  spaceId: string,
  id: string,
): Promise<Notification> {
  const row = await db
    .updateTable('platform.notifications')
    .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.fn<Date>('now', [])) }))
    .where('space_id', '=', spaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('notification', id);
  return toNotification(row);
}

export function toNotification(row: Selectable<NotificationsTable>): Notification {
  return {
    id: String(row.id),
    spaceId: row.space_id,
    userId: row.user_id,
    channel: row.channel,
    address: row.address,
    title: row.title,
    body: row.body,
    tableKey: row.table_key,
    recordId: row.record_id,
    status: row.status,
    error: row.error,
    createdAt: iso(row.created_at),
    sentAt: row.sent_at && iso(row.sent_at),
    readAt: row.read_at && iso(row.read_at),
  };
}

function iso(date: Date): string {
  return new Date(date).toISOString();
}
