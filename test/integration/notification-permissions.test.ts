// Flow notifications (notify nodes, escalation levels, handovers) and rule notices rendered per
// recipient: a field the recipient's role hides never reaches them, in-app, by robot or by e-mail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowCommand } from '../../runtime/flows/flow-types';
import { createApiToken } from '../../platform/auth/api-token-store';
import { createLogger } from '../../platform/logger';
import { createEmailSender } from '../../platform/notifications/email-channel';
import { hiddenText } from '../../platform/notifications/render-template';
import { resolveTable } from '../../platform/records/table-context';
import { createFlowActivities } from '../../workflows/activities/flow-activities';
import { createRuleActivities } from '../../workflows/activities/rule-activities';
import type { FlowStart } from '../../workflows/flow-start';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startWebhookSink, type WebhookSink } from '../support/webhook-sink';

const privateMarker = 'PRIVATE-91c2-私密手机';
const ipMarker = '198.51.100.23';
const space = 'notify_perm';
const text = (zh: string) => ({ 'zh-CN': zh, en: zh });
const template = text(
  '线索 {{record.name}}｜私人 {{record.key_person_mobile}}｜IP {{record.ip}}｜{{record.province | label}}',
);

describe('notifications show each recipient only the fields they may read', () => {
  let target: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  let smtp: SmtpSink;
  let robot: WebhookSink;
  let activities: ReturnType<typeof createFlowActivities>;
  let start: FlowStart;
  const users: Record<string, string> = {};

  const notify = (
    key: string,
    to: string,
    channel: 'inapp' | 'webhook' | 'email',
  ): FlowCommand => ({
    type: 'notify',
    key,
    node: 'ladder',
    to,
    channel,
    title: text('首呼超时：{{record.name}} {{record.ip}}'),
    body: template,
  });
  const bodiesOf = async (userId: string) =>
    (
      await target.database.db
        .selectFrom('platform.notifications')
        .select(['title', 'body', 'channel'])
        .where('user_id', '=', userId)
        .execute()
    ).map((n) => `${n.title}\n${n.body}`);

  beforeAll(async () => {
    [smtp, robot] = await Promise.all([startSmtpSink(), startWebhookSink()]);
    target = await createTestDatabase();
    app = createTestApp({
      database: target.database,
      health: { temporal: () => undefined, taskQueue: 'x' },
    });
    const installed = await app.request('/api/templates/medical-device/install', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ space }),
    });
    expect(installed.status).toBe(201);
    const body = (await installed.json()) as { users: { key: string; id: string }[] };
    for (const u of body.users) users[u.key] = u.id;
    const created = await app.request(`/api/spaces/${space}/tables/lead/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: '甲',
        organization: '甲医院',
        province: '浙江',
        city: '杭州',
        phone: '13800138011',
        key_person_mobile: privateMarker,
        ip: ipMarker,
        owner: users.rep_hz,
      }),
    });
    expect(created.status).toBe(201);
    const lead = ((await created.json()) as { record: { id: string } }).record;
    const context = await resolveTable(target.database.db, space, 'lead');
    // Rules may assign on create; the owner must be rep_hz (supervisor sup_zj, director above).
    await target.database
      .sql`update ${target.database.sql(`space_${space}`)}.lead set owner = ${users.rep_hz!} where id = ${lead.id}`;
    start = {
      spaceId: context.space.id,
      spaceKey: space,
      tableKey: 'lead',
      recordId: lead.id,
      flowKey: 'golden_4_hours',
      keyPrefix: `${space}/golden_4_hours/${lead.id}:1`,
      definitionVersion: context.version,
      flow: context.definition.flows!.find((f) => f.key === 'golden_4_hours')!,
      fields: context.table.fields,
      record: { id: lead.id },
    };
    activities = createFlowActivities({
      db: target.database.db,
      notifications: {
        email: createEmailSender({ url: smtp.url, from: 'Baton <baton@example.cn>' }),
        robot: { url: robot.url },
      },
      logger: createLogger('error'),
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([target?.drop(), smtp?.close(), robot?.close()]);
  });

  it('gives the rep owner their private contact but never the IP address, in-app', async () => {
    await activities.applyFlowEffects(start, [notify('level1', 'owner', 'inapp')]);
    const [message] = await bodiesOf(users.rep_hz!);
    expect(message).toContain('线索 甲');
    expect(message).toContain(privateMarker);
    expect(message).toContain(`IP ${hiddenText}`);
    expect(message).not.toContain(ipMarker);
  });

  it('hides the private contact from the director by e-mail, and shows them the IP', async () => {
    await activities.applyFlowEffects(start, [notify('level3', 'owner.manager.manager', 'email')]);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['zhou.min@meddev.example.cn']);
    const all = `${mail!.subject}\n${mail!.text}\n${mail!.raw}`;
    expect(all).toContain(ipMarker);
    expect(all).not.toContain(privateMarker);
    const [stored] = await bodiesOf(users.director!);
    expect(stored).toContain(`私人 ${hiddenText}`);
  });

  it('posts to a robot only what every recipient may read', async () => {
    // The supervisor reads every field of the team's lead, the rep not the IP: the group sees neither.
    await activities.applyFlowEffects(start, [notify('level2', 'role:supervisor', 'webhook')]);
    await activities.applyFlowEffects(start, [notify('level2-rep', 'owner', 'webhook')]);
    const posted = await robot.waitFor(2);
    const [supervisors, owner] = posted.map((p) => p.text);
    expect(owner).toContain(privateMarker);
    expect(owner).not.toContain(ipMarker);
    // role:supervisor names sup_zj and sup_js_sh; the latter may not read this lead at all.
    expect(supervisors).not.toContain(privateMarker);
    expect(supervisors).not.toContain(ipMarker);
    expect(supervisors).not.toContain('线索 甲');
  });

  it('tells a rep outside the row scope nothing about the record', async () => {
    await activities.applyFlowEffects(start, [notify('handover', `user:${users.rep_nb}`, 'inapp')]);
    const [message] = await bodiesOf(users.rep_nb!);
    expect(message).toBe(
      `首呼超时：${hiddenText} ${hiddenText}\n线索 ${hiddenText}｜私人 ${hiddenText}｜IP ${hiddenText}｜${hiddenText}`,
    );
  });

  it('renders rule notices (thresholds, returning leads, pools) per recipient too', async () => {
    const rules = createRuleActivities({
      db: target.database.db,
      notifications: {},
      logger: createLogger('error'),
    });
    const notice = text('线索「{{record.name}}」{{record.ip}}｜{{record.key_person_mobile}}');
    await rules.runRuleNotifications({
      spaceId: start.spaceId,
      tableKey: 'lead',
      recordId: start.recordId,
      ownerId: users.rep_hz!,
      province: '浙江',
      keyPrefix: `rules/${space}/${start.recordId}/perm`,
      notifications: [
        { to: 'owner', title: notice, body: text('评分卡 {{record.ip}}') },
        { to: `user:${users.rep_nj}`, title: notice, body: text('{{record.name}}') },
      ],
    });
    const owner = await target.database.db
      .selectFrom('platform.notifications')
      .select(['title', 'body'])
      .where('user_id', '=', users.rep_hz!)
      .where('idempotency_key', 'like', 'rules/%')
      .executeTakeFirstOrThrow();
    expect(owner).toEqual({
      title: `线索「甲」${hiddenText}｜${privateMarker}`,
      body: `评分卡 ${hiddenText}`,
    });
    const outsider = await target.database.db
      .selectFrom('platform.notifications')
      .select(['title', 'body'])
      .where('user_id', '=', users.rep_nj!)
      .executeTakeFirstOrThrow();
    expect(outsider).toEqual({
      title: `线索「${hiddenText}」${hiddenText}｜${hiddenText}`,
      body: hiddenText,
    });
  });

  it("shows a task's title to each reader of the record with only the fields they may read", async () => {
    await activities.applyFlowEffects(start, [
      {
        type: 'task',
        key: 'call-task',
        node: 'call',
        assignee: 'owner',
        title: {
          'zh-CN': '致电 {{record.name}} {{record.key_person_mobile}} {{record.ip}}',
          en: 'Call {{record.name}} {{record.key_person_mobile}} {{record.ip}}',
        },
        dueAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    ]);
    const titleFor = async (who: string) => {
      const { token } = await createApiToken(target.database.db, {
        name: 'tasks',
        userId: users[who]!,
        spaceId: null,
        expiresAt: null,
      });
      const response = await app.request(
        `/api/spaces/${space}/tables/lead/records/${start.recordId}/tasks`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as { tasks: { title: Record<string, string> }[] };
      return body.tasks[0]!.title;
    };
    expect(await titleFor('rep_hz')).toEqual({
      'zh-CN': `致电 甲 ${privateMarker} ${hiddenText}`,
      en: `Call 甲 ${privateMarker} ${hiddenText}`,
    });
    expect((await titleFor('director'))['zh-CN']).toBe(`致电 甲 ${hiddenText} ${ipMarker}`);
    expect((await titleFor('sup_zj'))['zh-CN']).toBe(`致电 甲 ${privateMarker} ${ipMarker}`);
    // The owner is told in-app, with the same fields.
    const told = await target.database.db
      .selectFrom('platform.notifications')
      .select('title')
      .where('user_id', '=', users.rep_hz!)
      .where('idempotency_key', 'like', '%call-task/assigned%')
      .executeTakeFirstOrThrow();
    expect(told.title).toBe(`致电 甲 ${privateMarker} ${hiddenText}`);
  });

  it('never puts a hidden value in any notification a rep received', async () => {
    const reps = ['rep_hz', 'rep_nb', 'rep_nj'].map((k) => users[k]!);
    const rows = await target.database.db
      .selectFrom('platform.notifications')
      .select(['title', 'body', 'user_id'])
      .where('user_id', 'in', reps)
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect(`${row.title}${row.body}`).not.toContain(ipMarker);
      if (row.user_id !== users.rep_hz) expect(row.body).not.toContain(privateMarker);
    }
  });
});
