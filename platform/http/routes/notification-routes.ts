// Notifications API: a user's in-app inbox, marking read, and the live stream (Server-Sent Events).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Database } from '../../db/database';
import type { Logger } from '../../logger';
import { createNotificationHub, type NotificationHub } from '../../notifications/notification-hub';
import {
  countUnread,
  listInAppAfter,
  listNotifications,
  markNotificationRead,
  type Notification,
} from '../../notifications/notification-repository';
import { authorizePeople, type Actor } from '../../people/actor';
import { assertOwnInbox, notificationOwner } from '../../permissions/inbox-access';
import { requestActor } from '../request-actor';
import { getUserOrThrow } from '../../people/user-repository';
import { getSpaceOrThrow } from '../../spaces/space-repository';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

export interface NotificationRouteDeps {
  readonly database: Pick<Database, 'db' | 'sql'>;
  /** Shared by the process's streams; by default one is made that LISTENs on first use. */
  readonly hub?: NotificationHub;
  /** Comment lines keep idle streams open through proxies; default 15 s. */
  readonly heartbeatMs?: number;
  readonly logger?: Logger;
  /** Who is calling; the authenticated request actor by default. */
  readonly actorOf?: (c: Context) => Actor;
}

const tags = ['notifications'];
const spaceParam = z
  .string()
  .max(63)
  .openapi({ param: { name: 'space', in: 'path' } });
const userQuery = z.string().uuid('must be a user id (uuid)');

const notificationSchema = z
  .object({
    id: z.string(),
    spaceId: z.string(),
    userId: z.string().nullable(),
    channel: z.enum(['inapp', 'webhook', 'email']),
    address: z.string().nullable(),
    title: z.string(),
    body: z.string(),
    tableKey: z.string().nullable(),
    recordId: z.string().nullable(),
    status: z.enum(['pending', 'sent', 'failed']),
    error: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    readAt: z.string().nullable(),
  })
  .openapi('Notification');

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/notifications',
    tags,
    summary: "A user's notifications: unread first, then newest first",
    request: {
      params: z.object({ space: spaceParam }),
      query: z.object({
        user: userQuery,
        channel: z.enum(['inapp', 'webhook', 'email']).default('inapp'),
        unread: z.enum(['true', 'false']).default('false'),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: jsonContent(
        z.object({ notifications: z.array(notificationSchema), unread: z.number() }),
        'The inbox and the unread in-app count',
      ),
      400: jsonContent(errorSchema, 'Invalid query'),
      404: jsonContent(errorSchema, 'No such space or user'),
    },
  }),
  read: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/notifications/{id}/read',
    tags,
    summary: 'Mark a notification read (idempotent)',
    request: {
      params: z.object({
        space: spaceParam,
        id: z
          .string()
          .regex(/^[1-9]\d{0,17}$/, 'must be a notification id')
          .openapi({ param: { name: 'id', in: 'path' } }),
      }),
    },
    responses: {
      200: jsonContent(z.object({ notification: notificationSchema }), 'Marked read'),
      400: jsonContent(errorSchema, 'Invalid id'),
      404: jsonContent(errorSchema, 'No such space or notification'),
    },
  }),
  stream: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/notifications/stream',
    tags,
    summary: 'Live in-app notifications of a user as Server-Sent Events',
    description:
      'Events: `ready` ({ unread }) once listening, then `notification` (a Notification, `id` = its id). ' +
      'A reconnect with `Last-Event-ID` first replays what was missed.',
    request: { params: z.object({ space: spaceParam }), query: z.object({ user: userQuery }) },
    responses: {
      200: { content: { 'text/event-stream': { schema: z.string() } }, description: 'The stream' },
      400: jsonContent(errorSchema, 'Invalid query'),
      404: jsonContent(errorSchema, 'No such space or user'),
    },
  }),
};

/** Routes of the notifications API. */
export function notificationRoutes(deps: NotificationRouteDeps) {
  const { db } = deps.database;
  const hub = deps.hub ?? createNotificationHub(deps.database, deps.logger);
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const actorOf = deps.actorOf ?? requestActor;

  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.list, async (c) => {
      await authorizePeople(db, actorOf(c), 'notifications.read');
      const query = c.req.valid('query');
      const space = await getSpaceOrThrow(db, c.req.valid('param').space);
      await assertOwnInbox(c, db, space.id, query.user);
      const user = await getUserOrThrow(db, query.user);
      const [notifications, unread] = await Promise.all([
        listNotifications(db, space.id, user.id, {
          channel: query.channel,
          unreadOnly: query.unread === 'true',
          limit: query.limit,
        }),
        countUnread(db, space.id, user.id),
      ]);
      return c.json({ notifications, unread }, 200);
    })
    .openapi(routes.read, async (c) => {
      await authorizePeople(db, actorOf(c), 'notifications.write');
      const { space: key, id } = c.req.valid('param');
      const space = await getSpaceOrThrow(db, key);
      await assertOwnInbox(c, db, space.id, await notificationOwner(db, space.id, id));
      return c.json({ notification: await markNotificationRead(db, space.id, id) }, 200);
    })
    .openapi(routes.stream, async (c) => {
      await authorizePeople(db, actorOf(c), 'notifications.read');
      const space = await getSpaceOrThrow(db, c.req.valid('param').space);
      await assertOwnInbox(c, db, space.id, c.req.valid('query').user);
      const user = await getUserOrThrow(db, c.req.valid('query').user);
      const lastEventId = c.req.header('last-event-id');
      return streamSSE(
        c,
        async (stream) => {
          const pending: Notification[] = [];
          let wake: (() => void) | undefined;
          const unsubscribe = await hub.subscribe(space.id, user.id, (notification) => {
            pending.push(notification);
            wake?.();
          });
          stream.onAbort(() => wake?.());
          c.req.raw.signal.addEventListener('abort', () => stream.abort(), { once: true });
          try {
            if (lastEventId && /^\d{1,18}$/.test(lastEventId)) {
              pending.unshift(...(await listInAppAfter(db, space.id, user.id, lastEventId)));
            }
            const unread = await countUnread(db, space.id, user.id);
            await stream.writeSSE({ event: 'ready', data: JSON.stringify({ unread }) });
            await pump(stream, pending, heartbeatMs, (w) => (wake = w));
          } finally {
            unsubscribe();
          }
        },
        async (error) => deps.logger?.error('notification stream failed', { error }),
      );
    });
}

/**
 * Writes pending notifications in id order, each once, until the client leaves; sleeps until a new
 * one arrives or the heartbeat is due.
 */
async function pump(
  stream: SSEStreamingApi,
  pending: Notification[],
  heartbeatMs: number,
  setWake: (wake: (() => void) | undefined) => void,
): Promise<void> {
  const written = new Set<string>();
  while (!stream.aborted && !stream.closed) {
    if (pending.length > 0) {
      const batch = pending.splice(0).sort((a, b) => Number(a.id) - Number(b.id));
      for (const notification of batch) {
        if (written.has(notification.id)) continue;
        written.add(notification.id);
        // Only recent ids can come twice (replay racing the live feed); forget the oldest.
        if (written.size > 1000) written.delete(written.values().next().value ?? '');
        await stream.writeSSE({
          id: notification.id,
          event: 'notification',
          data: JSON.stringify(notification),
        });
      }
      continue;
    }
    const woken = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), heartbeatMs);
      setWake(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    setWake(undefined);
    if (!woken && !stream.aborted) await stream.write(': ping\n\n');
  }
}
