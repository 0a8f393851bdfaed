// Flows on a real Temporal server: the golden-4-hours ladder, the handover contract, a worker restart,
// version pinning, and the simulator agreeing with the real execution. Durations are shrunk to seconds.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectTemporalClient, type TemporalClientHandle } from '../../workflows/client';
import { compileFlow } from '../../runtime/flows/compile-flow';
import { createFlowClock } from '../../runtime/flows/flow-clock';
import type { FlowDefinition } from '../../runtime/flows/flow-schema';
import { simulateFlow } from '../../runtime/flows/simulate-flow';
import { createEmailSender } from '../../platform/notifications/email-channel';
import { createLogger } from '../../platform/logger';
import { createOutboxRelay, type OutboxRelay } from '../../platform/outbox/outbox-relay';
import { apiClient } from '../support/api-client';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestTemporal, type TestTemporal } from '../support/test-temporal';
import { startWebhookSink, type WebhookSink } from '../support/webhook-sink';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const fields = [
  { key: 'name', type: 'text', label: l('Name', '姓名') },
  { key: 'first_contact_at', type: 'datetime', label: l('First contact', '首次联系') },
  { key: 'screening_done', type: 'boolean', label: l('Screening form', '需求初筛表') },
  { key: 'touch_count', type: 'integer', label: l('Touches', '触达次数') },
  {
    key: 'first_touch_summary',
    type: 'long_text',
    label: l('First-touch summary', '首次接触摘要'),
  },
  { key: 'department', type: 'text', label: l('Department', '科室') },
];

const ladder = (
  key: string,
  table: string,
  after: [string, string, string],
  title = '首呼超时',
): FlowDefinition => ({
  key,
  label: l('Golden 4 hours', '黄金4小时'),
  table,
  trigger: { on: 'record.created' },
  nodes: [
    {
      id: 'ladder',
      type: 'escalation',
      until: 'record.first_contact_at != null && record.screening_done == true',
      levels: [
        {
          after: after[0],
          to: 'owner',
          channel: 'inapp',
          title: l('First call overdue', title),
          body: l('{{record.name}}', '线索 {{record.name}} 尚未首呼'),
        },
        {
          after: after[1],
          to: 'owner.manager',
          channel: 'webhook',
          title: l('Rep has not called', '销售未首呼'),
        },
        {
          after: after[2],
          to: 'owner.manager.manager',
          channel: 'email',
          title: l('Lead untouched', '线索无人跟进'),
          body: l('{{record.name}}', '线索 {{record.name}} 超时无人跟进'),
        },
      ],
    },
  ],
  edges: [],
});

const handover: FlowDefinition = {
  key: 'handover_contract',
  label: l('Handover contract', '线索移交协议'),
  table: 'handover_lead',
  trigger: { on: 'record.created' },
  nodes: [
    {
      id: 'handover',
      type: 'handover',
      to: 'owner',
      senderMust: ['first_touch_summary', 'department'],
      acceptWithin: 'PT3S',
      invalidReasons: 'invalid_reasons',
      onTimeout: 'pool:market',
      title: l('Accept this lead', '请确认接收线索'),
    },
    { id: 'done', type: 'end' },
  ],
  edges: [{ from: 'handover', to: 'done' }],
};

const table = (key: string) => ({ key, label: l(key, key), fields });
const definition = (flows: FlowDefinition[]) => ({
  formatVersion: 1,
  lists: {
    invalid_reasons: [
      { value: 'contact_left', label: l('Contact has left', '联系人已离职') },
      { value: 'wrong_department', label: l('Not a target department', '非目标科室') },
    ],
  },
  tables: [table('lead'), table('handover_lead'), table('restart_lead'), table('pinned_lead')],
  // Notifications show recipients only what their roles read: the people here read every lead.
  roles: [
    {
      key: 'rep',
      label: l('Rep', '销售'),
      tables: Object.fromEntries(
        ['lead', 'handover_lead', 'restart_lead', 'pinned_lead'].map((t) => [t, { read: 'all' }]),
      ),
    },
  ],
  flows,
});

describe('flows on Temporal', () => {
  let target: TestDatabase;
  let temporal: TestTemporal;
  let relay: OutboxRelay;
  let relayClient: TemporalClientHandle;
  let smtp: SmtpSink;
  let robot: WebhookSink;
  let api: ReturnType<typeof apiClient>;
  const people: Record<string, string> = {};
  const flows = [
    ladder('golden_4_hours', 'lead', ['PT2S', 'PT1S', 'PT1S']),
    handover,
    ladder('restart_ladder', 'restart_lead', ['PT1S', 'PT4S', 'PT1S']),
    ladder('pinned_ladder', 'pinned_lead', ['PT3S', 'PT1S', 'PT1S']),
  ];

  const workerOptions = () => ({
    notifications: {
      email: createEmailSender({ url: smtp.url, from: 'Baton <baton@example.cn>' }),
    },
  });

  beforeAll(async () => {
    [smtp, robot] = await Promise.all([startSmtpSink(), startWebhookSink()]);
    target = await createTestDatabase();
    temporal = await startTestTemporal(target.database.db, workerOptions());
    // The relay has a connection of its own: the worker's is closed and reopened by the restart test.
    relayClient = await connectTemporalClient(inject('temporalAddress'), 'default');
    relay = createOutboxRelay({
      database: target.database,
      temporal: relayClient.client,
      taskQueue: temporal.taskQueue,
      logger: createLogger('error'),
      pollIntervalMs: 100,
    });
    await relay.start();
    api = apiClient(
      createTestApp({
        database: target.database,
        health: { temporal: () => temporal.client, taskQueue: temporal.taskQueue },
      }),
    );

    const db = target.database.db;
    const space = await api.expect<any>(201, 'POST', '/api/spaces', {
      key: 'meddev',
      name: l('Medical devices', '医疗器械'),
    });
    const insert = async (
      email: string,
      name: string,
      manager: string | null,
      attributes: Record<string, unknown> = {},
    ) =>
      (
        await db
          .insertInto('platform.users')
          .values({ email, display_name: name, manager_id: manager, attributes })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    people.director = await insert('director@example.cn', '王总监', null);
    people.supervisor = await insert('supervisor@example.cn', '李主管', people.director, {
      webhook_url: `${robot.url}/robot/send?access_token=t`,
    });
    people.rep = await insert('rep@example.cn', '张销售', people.supervisor);
    for (const id of Object.values(people)) {
      await db
        .insertInto('platform.space_members')
        .values({ space_id: space.space.id, user_id: id, roles: ['rep'] })
        .execute();
    }
    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', definition(flows));
    await api.expect(201, 'POST', '/api/spaces/meddev/definition/publish');
  });
  afterAll(async () => {
    await relay?.stop();
    await relayClient?.connection.close();
    await temporal?.close();
    await Promise.all([smtp?.close(), robot?.close()]);
    await target?.drop();
  });

  const timeline = async (tableKey: string, id: string) =>
    (
      await api.expect<any>(
        200,
        'GET',
        `/api/spaces/meddev/tables/${tableKey}/records/${id}/timeline`,
      )
    ).entries as Array<{ kind: string; data: any; at: string }>;

  async function waitForTimeline(
    tableKey: string,
    id: string,
    done: (entries: Awaited<ReturnType<typeof timeline>>) => boolean,
    timeoutMs = 20_000,
  ) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const entries = await timeline(tableKey, id);
      if (done(entries)) return entries;
      if (Date.now() > deadline)
        throw new Error(
          `timeline never got there: ${JSON.stringify(entries.map((e) => (e.kind === 'condition.error' ? e.data : e.kind)))}`,
        );
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  const sentCount = (entries: Array<{ kind: string }>) =>
    entries.filter((e) => e.kind === 'notification.sent').length;
  const levels = (entries: Array<{ kind: string; data: any }>) =>
    entries.filter((e) => e.kind === 'escalation.level').map((e) => e.data.level);
  const notifications = async (recordId: string) =>
    target.database.db
      .selectFrom('platform.notifications')
      .select(['user_id', 'channel', 'title', 'status', 'idempotency_key'])
      .where('record_id', '=', recordId)
      .orderBy('id')
      .execute();

  let ladderLead: string;

  it('escalates an untouched lead rep → supervisor → director in order, each once', async () => {
    const created = await api.expect<any>(201, 'POST', '/api/spaces/meddev/tables/lead/records', {
      name: '浙江省人民医院 DR',
      owner: people.rep,
    });
    ladderLead = created.record.id;
    const entries = await waitForTimeline('lead', ladderLead, (e) => sentCount(e) === 3);
    expect(levels(entries)).toEqual([1, 2, 3]);
    const at = entries.filter((e) => e.kind === 'escalation.level').map((e) => Date.parse(e.at));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(900);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(900);

    const sent = await notifications(ladderLead);
    expect(sent.map((n) => [n.user_id, n.channel, n.status])).toEqual([
      [people.rep, 'inapp', 'sent'],
      [people.supervisor, 'webhook', 'sent'],
      [people.director, 'email', 'sent'],
    ]);
    expect(sent[0]?.title).toBe('首呼超时');
    const [webhook] = await robot.waitFor(1);
    expect(JSON.stringify(webhook?.json)).toContain('销售未首呼');
    const [mail] = await smtp.waitFor(1);
    expect(mail?.to).toEqual(['director@example.cn']);
    expect(mail?.text).toContain('线索 浙江省人民医院 DR 超时无人跟进');
  });

  it('stops the ladder the moment first contact and screening are recorded', async () => {
    const created = await api.expect<any>(201, 'POST', '/api/spaces/meddev/tables/lead/records', {
      name: '杭州骨科医院',
      owner: people.rep,
    });
    const id = created.record.id;
    await waitForTimeline('lead', id, (e) => levels(e).length === 1);
    const current = (
      await api.expect<any>(200, 'GET', `/api/spaces/meddev/tables/lead/records/${id}`)
    ).record;
    await api.expect(200, 'PATCH', `/api/spaces/meddev/tables/lead/records/${id}`, {
      version: current.version,
      first_contact_at: new Date().toISOString(),
      screening_done: true,
    });
    const entries = await waitForTimeline('lead', id, (e) =>
      e.some((x) => x.kind === 'flow.completed'),
    );
    expect(entries.map((e) => e.kind)).toContain('escalation.resolved');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(levels(await timeline('lead', id))).toEqual([1]);
    expect(await notifications(id)).toHaveLength(1);
  });

  it('freezes a lead during its handover and returns it to the pool when nobody accepts in time', async () => {
    const created = await api.expect<any>(
      201,
      'POST',
      '/api/spaces/meddev/tables/handover_lead/records',
      {
        name: '宁波康复中心',
        owner: people.rep,
        first_touch_summary: '对康复设备感兴趣',
        department: '康复科',
      },
    );
    const id = created.record.id;
    await waitForTimeline('handover_lead', id, (e) => e.some((x) => x.kind === 'handover.issued'));
    const frozen = await api.expect<any>(
      409,
      'PATCH',
      `/api/spaces/meddev/tables/handover_lead/records/${id}`,
      { version: 1, department: '骨科' },
    );
    expect(frozen.error).toMatchObject({
      code: 'HANDOVER_PENDING',
      details: { flow: 'handover_contract', node: 'handover' },
    });
    const noReason = await api.expect<any>(
      400,
      'POST',
      `/api/spaces/meddev/tables/handover_lead/records/${id}/handover`,
      { flow: 'handover_contract', verdict: 'invalid' },
    );
    expect(noReason.error.details.issues.map((i: any) => i.pointer)).toEqual(['/reason', '/note']);

    const entries = await waitForTimeline('handover_lead', id, (e) =>
      e.some((x) => x.kind === 'flow.completed'),
    );
    expect(entries.find((e) => e.kind === 'handover.timeout')?.data).toMatchObject({
      returnedTo: 'pool:market',
    });
    const after = (
      await api.expect<any>(200, 'GET', `/api/spaces/meddev/tables/handover_lead/records/${id}`)
    ).record;
    expect(after.owner).toBeNull();
    const history = (
      await api.expect<any>(
        200,
        'GET',
        `/api/spaces/meddev/tables/handover_lead/records/${id}/history`,
      )
    ).entries;
    expect(history.at(-1)).toMatchObject({
      field: 'owner',
      before: people.rep,
      after: null,
      source: 'flow',
    });
    await api.expect(200, 'PATCH', `/api/spaces/meddev/tables/handover_lead/records/${id}`, {
      version: after.version,
      department: '骨科',
    });
  });

  it('accepts a valid verdict and unfreezes the lead', async () => {
    const created = await api.expect<any>(
      201,
      'POST',
      '/api/spaces/meddev/tables/handover_lead/records',
      {
        name: '温州人民医院',
        owner: people.rep,
        first_touch_summary: 'CT 采购',
        department: '放射科',
      },
    );
    const id = created.record.id;
    await waitForTimeline('handover_lead', id, (e) => e.some((x) => x.kind === 'handover.issued'));
    await api.expect(
      202,
      'POST',
      `/api/spaces/meddev/tables/handover_lead/records/${id}/handover`,
      { flow: 'handover_contract', verdict: 'valid' },
    );
    const entries = await waitForTimeline('handover_lead', id, (e) =>
      e.some((x) => x.kind === 'flow.completed'),
    );
    expect(entries.find((e) => e.kind === 'handover.verdict')?.data).toMatchObject({
      verdict: 'valid',
    });
    expect(
      (await api.expect<any>(200, 'GET', `/api/spaces/meddev/tables/handover_lead/records/${id}`))
        .record.owner,
    ).toBe(people.rep);
  });

  it('sends every notification exactly once when the worker dies mid-flow and comes back', async () => {
    const created = await api.expect<any>(
      201,
      'POST',
      '/api/spaces/meddev/tables/restart_lead/records',
      { name: '苏州医疗器械', owner: people.rep },
    );
    const id = created.record.id;
    await waitForTimeline('restart_lead', id, (e) => levels(e).length === 1);
    await temporal.close();
    await new Promise((r) => setTimeout(r, 4_500));
    temporal = await startTestTemporal(target.database.db, {
      ...workerOptions(),
      taskQueue: temporal.taskQueue,
    });
    const entries = await waitForTimeline('restart_lead', id, (e) => sentCount(e) === 3);
    expect(levels(entries)).toEqual([1, 2, 3]);
    const sent = await notifications(id);
    expect(sent.map((n) => n.channel)).toEqual(['inapp', 'webhook', 'email']);
    expect(new Set(sent.map((n) => n.idempotency_key)).size).toBe(3);
  });

  it('finishes a running execution on the version it started with', async () => {
    const created = await api.expect<any>(
      201,
      'POST',
      '/api/spaces/meddev/tables/pinned_lead/records',
      { name: '常州医院', owner: people.rep },
    );
    const id = created.record.id;
    await waitForTimeline('pinned_lead', id, (e) => e.some((x) => x.kind === 'timer.set'));
    const v2 = definition([
      ...flows.slice(0, 3),
      ladder('pinned_ladder', 'pinned_lead', ['PT3S', 'PT1S', 'PT1S'], '版本二标题'),
    ]);
    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', v2);
    await api.expect(201, 'POST', '/api/spaces/meddev/definition/publish');
    await waitForTimeline('pinned_lead', id, (e) => sentCount(e) >= 1);
    expect((await notifications(id))[0]?.title).toBe('首呼超时');

    const later = await api.expect<any>(
      201,
      'POST',
      '/api/spaces/meddev/tables/pinned_lead/records',
      { name: '无锡医院', owner: people.rep },
    );
    await waitForTimeline('pinned_lead', later.record.id, (e) => sentCount(e) >= 1);
    expect((await notifications(later.record.id))[0]?.title).toBe('版本二标题');
  });

  it('simulates the same trace the real execution wrote', async () => {
    const flow = flows[0]!;
    const compiled = compileFlow(flow, fields as never);
    if (!compiled.ok) throw new Error('flow does not compile');
    const simulated = simulateFlow(
      compiled.value,
      {
        record: { name: '浙江省人民医院 DR' },
        start: '2026-11-20T01:00:00Z',
        until: '2026-11-20T01:00:10Z',
      },
      createFlowClock(undefined),
    );
    const real = await timeline('lead', ladderLead);
    const shape = (entries: ReadonlyArray<{ kind: string; data: any }>) =>
      entries.map((e) => [
        e.kind,
        e.data.level ?? e.data.timer ?? e.data.outcome ?? e.data.type ?? null,
      ]);
    expect(shape(real)).toEqual(shape(simulated.trace));

    const viaApi = await api.expect<any>(
      200,
      'POST',
      '/api/spaces/meddev/flows/golden_4_hours/simulate',
      {
        record: { name: 'x' },
        start: '2026-11-20T01:00:00Z',
        events: [
          {
            at: 'PT3S',
            type: 'record',
            set: { first_contact_at: '2026-11-20T01:00:03Z', screening_done: true },
          },
        ],
      },
    );
    expect(
      viaApi.trace.filter((t: any) => t.kind === 'escalation.level').map((t: any) => t.at),
    ).toEqual(['2026-11-20T01:00:02.000Z']);
    expect(viaApi.state.status).toBe('completed');
  });
});
