// Live in-app notifications: PostgreSQL NOTIFY fans a delivery out to every API process, and an
// in-process emitter hands it to that process's open streams.
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type { Database, Db } from '../db/database';
import type { Logger } from '../logger';
import { findNotification, type Notification } from './notification-repository';

/** The PostgreSQL channel every API process listens on. */
export const notificationChannel = 'baton_notifications';

/** What travels through NOTIFY (kept small: its payload is limited to 8000 bytes). */
interface Announcement {
  readonly id: string;
  readonly spaceId: string;
  readonly userId: string;
}

export interface NotificationHub {
  /**
   * Calls `listener` with every in-app notification delivered to the user in the space, from any
   * process, until the returned function is called. Resolves once the hub listens.
   */
  subscribe(
    spaceId: string,
    userId: string,
    listener: (notification: Notification) => void,
  ): Promise<() => void>;
  /** Stops listening; open subscriptions receive nothing more. */
  close(): Promise<void>;
}

/**
 * Announces a delivered notification. Call it inside the transaction that marks it sent:
 * PostgreSQL sends the NOTIFY on commit, never for a rolled-back delivery.
 */
export async function announceNotification(tx: Db, announcement: Announcement): Promise<void> {
  await sql`select pg_notify(${notificationChannel}, ${JSON.stringify(announcement)})`.execute(tx);
}

/**
 * Creates a hub that starts LISTENing on its first subscription (postgres.js keeps a dedicated
 * connection for it and re-listens after a reconnect).
 * @example const stop = await hub.subscribe(space.id, user.id, (n) => stream.writeSSE(...))
 */
export function createNotificationHub(
  database: Pick<Database, 'db' | 'sql'>,
  logger?: Logger,
): NotificationHub {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let listening: Promise<{ unlisten(): Promise<void> }> | undefined;

  const onAnnouncement = (payload: string) => {
    let announcement: Announcement;
    try {
      announcement = JSON.parse(payload) as Announcement;
    } catch {
      logger?.warn('ignored malformed notification announcement', { payload });
      return;
    }
    const key = topic(announcement.spaceId, announcement.userId);
    if (emitter.listenerCount(key) === 0) return;
    findNotification(database.db, announcement.id).then(
      (notification) => notification && emitter.emit(key, notification),
      (error: unknown) => logger?.error('could not load announced notification', { error }),
    );
  };

  const listen = () => {
    listening ??= database.sql.listen(notificationChannel, onAnnouncement).catch((error) => {
      listening = undefined;
      throw error;
    });
    return listening;
  };

  return {
    async subscribe(spaceId, userId, listener) {
      await listen();
      const key = topic(spaceId, userId);
      emitter.on(key, listener);
      return () => void emitter.off(key, listener);
    },
    async close() {
      emitter.removeAllListeners();
      const current = listening;
      listening = undefined;
      if (current) await (await current).unlisten();
    },
  };
}

function topic(spaceId: string, userId: string): string {
  return `${spaceId}:${userId}`;
}
