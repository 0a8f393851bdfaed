// Notifications against real components: PostgreSQL, an HTTP server streaming SSE, a robot
// webhook sink and an SMTP sink. The A4 ladder: rep in-app → supervisor robot → director e-mail.
import { createHmac } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type Db } from '../../platform/db/database';
import { createEmailSender, type EmailSender } from '../../platform/notifications/email-channel';
import { NotificationDeliveryError } from '../../platform/notifications/notification-errors';
import { loadNotificationSettings } from '../../platform/notifications/notification-settings';
import { renderTemplate } from '../../platform/notifications/render-template';
import {
  sendNotification,
  type NotificationDeps,
  type NotificationRequest,
} from '../../platform/notifications/send-notification';
import { resolveRecipients } from '../../platform/people/resolve-recipients';
import { apiClient } from '../support/api-client';
import { freePort } from '../support/free-port';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createTestApp } from '../support/test-app';
import { seedTestUser } from '../support/test-auth';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startWebhookSink, type WebhookSink } from '../support/webhook-sink';

const robotSecret = 'SEC0123456789abcdef';
const lead = { company: '浙江省人民医院 <骨科>', phone: '13800000000' };

describe('notifications', () => {
  let target: TestDatabase;
  let db: Db;
  let second: Database;
  let servers: { url: string; close(): Promise<void> }[];
  let smtp: SmtpSink;
  let robot: WebhookSink;
  let email: EmailSender;
  let deps: NotificationDeps;
  let spaceId: string;
  const ids: Record<string, string> = {};
  const streams: EventStream[] = [];

  beforeAll(async () => {
    target = await createTestDatabase();
    db = target.database.db;
    [smtp, robot] = await Promise.all([startSmtpSink(), startWebhookSink()]);
    const settings = loadNotificationSettings({
      SMTP_URL: smtp.url,
      SMTP_FROM: 'Baton 提醒 <baton@meddev.example.cn>',
    });
    email = createEmailSender(settings.smtp!);
    deps = { db, email };

    // Two API processes on two connection pools: NOTIFY must reach both.
    second = openDatabase(target.url);
    servers = await Promise.all([serveApp(target.database), serveApp(second)]);
    authorization = (await seedTestUser(db)).headers.authorization;

    spaceId = (
      await db
        .insertInto('platform.spaces')
        .values({
          key: 'meddev',
          name: { 'zh-CN': '医疗器械事业部', en: 'Medical devices' },
          schema_name: 'space_meddev',
          status: 'active',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const api = apiClient({ request: (path, init) => authed(`${servers[0]!.url}${path}`, init) });
    const create = async (key: string, body: Record<string, unknown>) => {
      const { user } = await api.expect(201, 'POST', '/api/users', body);
      ids[key] = user.id;
    };
    await create('director', { email: 'wang.director@meddev.example.cn', displayName: '王总监' });
    await create('supervisor', {
      email: 'zhao.supervisor@meddev.example.cn',
      displayName: '赵主管',
      managerId: ids.director,
      attributes: {
        webhook_url: `${robot.url}/robot/send?access_token=tok-zhao`,
        webhook_secret: robotSecret,
      },
    });
    await create('rep', {
      email: 'li.lei@meddev.example.cn',
      displayName: '李雷',
      province: '浙江',
      managerId: ids.supervisor,
    });
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await Promise.all((servers ?? []).map((s) => s.close()));
    email?.close();
    await Promise.all([smtp?.close(), robot?.close()]);
    await second?.close();
    await target?.drop();
  });

  async function recipients(spec: string): Promise<string[]> {
    const resolution = await resolveRecipients(db, spaceId, spec, { ownerId: ids.rep });
    expect(resolution.reason).toBeNull();
    return resolution.recipients.map((u) => u.id);
  }

  function request(
    key: string,
    channel: NotificationRequest['channel'],
    to: string[],
  ): NotificationRequest {
    return {
      spaceId,
      idempotencyKey: key,
      recipients: to,
      channel,
      title: renderTemplate('线索超时未跟进：{{record.company}}', lead, 'zh-CN'),
      body: renderTemplate(
        '客户 {{record.company}}，电话 {{record.phone}}，请尽快联系。',
        lead,
        'zh-CN',
      ),
      tableKey: 'lead',
    };
  }

  async function stream(server: number, userId: string, lastEventId?: string) {
    const s = await openEventStream(
      `${servers[server]!.url}/api/spaces/meddev/notifications/stream?user=${userId}`,
      lastEventId,
    );
    streams.push(s);
    return s;
  }

  it('pops up in the owner’s inbox over a live SSE stream, in every API process', async () => {
    const [here, there] = await Promise.all([stream(0, ids.rep!), stream(1, ids.rep!)]);
    expect(JSON.parse((await here.next('ready')).data)).toEqual({ unread: 0 });
    await there.next('ready');

    const outcomes = await sendNotification(
      deps,
      request('wf-1/first-call/pop-up', 'inapp', await recipients('owner')),
    );
    expect(outcomes).toMatchObject([{ userId: ids.rep, status: 'sent' }]);

    for (const s of [here, there]) {
      const event = await s.next('notification');
      const notification = JSON.parse(event.data);
      expect(event.id).toBe(notification.id);
      expect(notification).toMatchObject({
        userId: ids.rep,
        channel: 'inapp',
        title: '线索超时未跟进：浙江省人民医院 <骨科>',
        status: 'sent',
        readAt: null,
      });
    }

    const api = apiClient({ request: (path, init) => authed(`${servers[0]!.url}${path}`, init) });
    const inbox = await api.expect(200, 'GET', `/api/spaces/meddev/notifications?user=${ids.rep}`);
    expect(inbox.unread).toBe(1);
    const id = inbox.notifications[0].id;
    const read = await api.expect(200, 'POST', `/api/spaces/meddev/notifications/${id}/read`);
    expect(read.notification.readAt).not.toBeNull();
    const after = await api.expect(200, 'GET', `/api/spaces/meddev/notifications?user=${ids.rep}`);
    expect(after.unread).toBe(0);
  });

  it('replays what a reconnecting stream missed after its Last-Event-ID', async () => {
    const [first] = await sendNotification(
      deps,
      request('wf-2/a', 'inapp', await recipients('owner')),
    );
    await sendNotification(deps, request('wf-2/b', 'inapp', await recipients('owner')));
    const resumed = await stream(0, ids.rep!, first!.notificationId!);
    await resumed.next('ready');
    const replayed = await resumed.next('notification');
    expect(Number(replayed.id)).toBeGreaterThan(Number(first!.notificationId));
  });

  it('posts to the manager’s robot with a valid DingTalk-style signature', async () => {
    const before = robot.requests.length;
    const started = Date.now();
    const outcomes = await sendNotification(
      deps,
      request('wf-3/escalate/1', 'webhook', await recipients('owner.manager')),
    );
    expect(outcomes).toMatchObject([{ userId: ids.supervisor, status: 'sent' }]);
    const [received] = (await robot.waitFor(before + 1)).slice(before);
    expect(received!.method).toBe('POST');
    expect(received!.query.get('access_token')).toBe('tok-zhao');
    const timestamp = received!.query.get('timestamp')!;
    expect(Number(timestamp)).toBeGreaterThanOrEqual(started);
    const expected = createHmac('sha256', robotSecret)
      .update(`${timestamp}\n${robotSecret}`)
      .digest('base64');
    expect(received!.query.get('sign')).toBe(expected);
    expect(received!.json).toEqual({
      msgtype: 'markdown',
      markdown: {
        content:
          '### 线索超时未跟进：浙江省人民医院 <骨科>\n客户 浙江省人民医院 <骨科>，电话 13800000000，请尽快联系。',
      },
    });

    const row = await db
      .selectFrom('platform.notifications')
      .selectAll()
      .where('idempotency_key', '=', `wf-3/escalate/1:${ids.supervisor}`)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', address: `${robot.url}/robot/send` });
  });

  it('e-mails the director two levels up with the Chinese subject and body intact', async () => {
    const before = smtp.messages.length;
    const outcomes = await sendNotification(
      deps,
      request('wf-4/escalate/2', 'email', await recipients('owner.manager.manager')),
    );
    expect(outcomes).toMatchObject([{ userId: ids.director, status: 'sent' }]);
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail!.to).toEqual(['wang.director@meddev.example.cn']);
    expect(mail!.from).toBe('baton@meddev.example.cn');
    expect(mail!.subject).toBe('线索超时未跟进：浙江省人民医院 <骨科>');
    expect(mail!.text).toBe('客户 浙江省人民医院 <骨科>，电话 13800000000，请尽快联系。');
    expect(mail!.html).toContain('客户 浙江省人民医院 &#60;骨科&#62;，电话 13800000000');
    expect(mail!.html).not.toContain('<骨科>');
  });

  it('delivers once per recipient when the same idempotency key is sent twice', async () => {
    const live = await stream(0, ids.rep!);
    await live.next('ready');
    const [mails, posts] = [smtp.messages.length, robot.requests.length];
    const ladder = [
      request('wf-5/pop-up', 'inapp', await recipients('owner')),
      request('wf-5/robot', 'webhook', await recipients('owner.manager')),
      request('wf-5/mail', 'email', await recipients('owner.manager.manager')),
    ];
    for (const r of ladder) expect((await sendNotification(deps, r))[0]!.status).toBe('sent');
    for (const r of ladder) {
      expect((await sendNotification(deps, r))[0]!.status).toBe('already_sent');
    }
    await live.next('notification');
    await smtp.waitFor(mails + 1);
    await robot.waitFor(posts + 1);
    // Give a duplicate every chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.length).toBe(mails + 1);
    expect(robot.requests.length).toBe(posts + 1);
    expect(live.received('notification')).toHaveLength(1);
    const rows = await db
      .selectFrom('platform.notifications')
      .select(['idempotency_key', 'status'])
      .where('idempotency_key', 'like', 'wf-5/%')
      .execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });

  it('marks a robot failure failed, throws a retryable error, and succeeds on retry', async () => {
    const before = robot.requests.length;
    robot.failNext(1, 500, 'robot overloaded');
    const attempt = request('wf-6/escalate/1', 'webhook', await recipients('owner.manager'));
    const error = await sendNotification(deps, attempt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotificationDeliveryError);
    expect((error as NotificationDeliveryError).retryable).toBe(true);
    expect((error as Error).message).toContain('answered 500');
    expect((error as Error).message).not.toContain('tok-zhao');
    const key = `wf-6/escalate/1:${ids.supervisor}`;
    const failed = await db
      .selectFrom('platform.notifications')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    expect(failed).toMatchObject({ status: 'failed', sent_at: null });
    expect(failed.error).toContain('robot overloaded');

    expect(await sendNotification(deps, attempt)).toMatchObject([{ status: 'sent' }]);
    expect(await sendNotification(deps, attempt)).toMatchObject([{ status: 'already_sent' }]);
    expect(robot.requests.length).toBe(before + 2);
    const sent = await db
      .selectFrom('platform.notifications')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    expect(sent).toMatchObject({ status: 'sent', error: null });
  });

  it('gives up on a robot that does not answer within the timeout, as a retryable failure', async () => {
    robot.stallNext(1);
    const attempt = request('wf-11/escalate/1', 'webhook', await recipients('owner.manager'));
    const error = await sendNotification({ db, webhookTimeoutMs: 200 }, attempt).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotificationDeliveryError);
    expect((error as Error).message).toContain('no answer within 200 ms');
    expect(await sendNotification(deps, attempt)).toMatchObject([{ status: 'sent' }]);
  });

  it('retries a temporary SMTP refusal but reports a permanent one without throwing', async () => {
    const to = await recipients('owner.manager.manager');
    smtp.refuseNext(1, 451);
    await expect(sendNotification(deps, request('wf-7/mail', 'email', to))).rejects.toThrow(
      NotificationDeliveryError,
    );
    expect(await sendNotification(deps, request('wf-7/mail', 'email', to))).toMatchObject([
      { status: 'sent' },
    ]);

    smtp.refuseNext(1, 550);
    expect(await sendNotification(deps, request('wf-8/mail', 'email', to))).toMatchObject([
      { status: 'failed', error: expect.stringContaining('550') },
    ]);
    expect(await sendNotification({ db }, request('wf-9/mail', 'email', to))).toMatchObject([
      { status: 'failed', error: expect.stringContaining('SMTP_URL') },
    ]);
  });

  it('skips unknown recipients and falls back to the space robot once for a shared group', async () => {
    const before = robot.requests.length;
    const spaceRobot = { url: `${robot.url}/cgi-bin/webhook/send?key=space-key` };
    const outcomes = await sendNotification(
      { db, robot: spaceRobot },
      request('wf-10/group', 'webhook', [ids.rep!, ids.director!, 'nobody@meddev.example.cn']),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'skipped']);
    await robot.waitFor(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(robot.requests.slice(before).map((r) => r.url)).toEqual([
      '/cgi-bin/webhook/send?key=space-key',
    ]);
  });

  it('refuses a stream or an inbox for an unknown user or space', async () => {
    const base = servers[0]!.url;
    const unknown = '0b7e7c52-3f0e-4d52-9a52-6d1c8a0f4b11';
    expect((await authed(`${base}/api/spaces/meddev/notifications/stream?user=x`)).status).toBe(
      400,
    );
    expect(
      (await authed(`${base}/api/spaces/meddev/notifications/stream?user=${unknown}`)).status,
    ).toBe(404);
    expect((await authed(`${base}/api/spaces/nope/notifications?user=${ids.rep}`)).status).toBe(
      404,
    );
    const read = await authed(`${base}/api/spaces/meddev/notifications/999999/read`, {
      method: 'POST',
    });
    expect(read.status).toBe(404);
  });
});

/** The seeded platform admin's bearer token, sent by every call to the servers. */
let authorization = '';

function authed(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { authorization, ...init.headers } });
}

/** Serves a real app on a free loopback port, as a separate API process would. */
async function serveApp(database: Database): Promise<{ url: string; close(): Promise<void> }> {
  const app = createTestApp({
    database,
    notifications: { heartbeatMs: 1000 },
  });
  const port = await freePort();
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

interface SseEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

interface EventStream {
  /** The next event of this type not yet taken (waits up to 10 s). */
  next(event: string): Promise<SseEvent>;
  /** Every event of this type received so far. */
  received(event: string): SseEvent[];
  close(): void;
}

/** A minimal EventSource over fetch: parses `event:`/`id:`/`data:` blocks. */
async function openEventStream(url: string, lastEventId?: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await authed(url, {
    headers: { accept: 'text/event-stream', ...(lastEventId && { 'last-event-id': lastEventId }) },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const events: SseEvent[] = [];
  const taken = new Set<SseEvent>();
  const waiters = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = {
            event: 'message',
            id: undefined as string | undefined,
            data: [] as string[],
          };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) fields.event = line.slice(7);
            else if (line.startsWith('id: ')) fields.id = line.slice(4);
            else if (line.startsWith('data: ')) fields.data.push(line.slice(6));
          }
          if (fields.data.length === 0) continue; // a heartbeat comment
          events.push({ event: fields.event, id: fields.id, data: fields.data.join('\n') });
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    next(event) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find((e) => e.event === event && !taken.has(e));
          if (!found) return;
          taken.add(found);
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no "${event}" event within 10 s`));
        }, 10_000);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    received: (event) => events.filter((e) => e.event === event),
    close: () => controller.abort(),
  };
}
