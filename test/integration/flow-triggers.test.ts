// Flow triggers beyond record writes, on a real Temporal dev server: manual, signed webhook, form
// submission and cron schedules (Temporal Schedules, fired with trigger-immediately); each starts
// exactly one execution per record. Also a flow's `assign: rules` through the rule pipeline.
import { randomBytes } from 'node:crypto';
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDefinition } from '../../runtime/flows/flow-schema';
import { createApiToken } from '../../platform/auth/api-token-store';
import { signDelivery } from '../../platform/intake/intake-signature';
import { flowScheduleId } from '../../workflows/flow-schedule-names';
import type { TemporalClientHandle } from '../../workflows/client';
import type { apiClient } from '../support/api-client';
import { startFlowTestStack, type FlowTestStack } from '../support/flow-test-stack';
import type { createTestApp } from '../support/test-app';
import type { TestDatabase } from '../support/test-database';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const fields = [
  { key: 'name', type: 'text', label: l('Name', '姓名') },
  { key: 'hot', type: 'boolean', label: l('Hot', '高意向') },
];
const hold = (key: string, trigger: FlowDefinition['trigger']): FlowDefinition => ({
  key,
  label: l(key, key),
  table: 'lead',
  trigger,
  nodes: [{ id: 'hold', type: 'wait', duration: 'PT1H' }],
  edges: [],
});
const reassign: FlowDefinition = {
  key: 'reassign',
  label: l('Reassign by rules', '按规则重新分配'),
  table: 'lead',
  trigger: { on: 'manual' },
  nodes: [
    { id: 'route', type: 'assign', to: 'rules' },
    { id: 'done', type: 'end' },
  ],
  edges: [{ from: 'route', to: 'done' }],
};
const baseFlows: FlowDefinition[] = [
  hold('by_hand', { on: 'manual' }),
  hold('by_webhook', { on: 'webhook' }),
  hold('by_form', { on: 'form.submitted', form: 'entry' }),
  hold('nightly', {
    on: 'schedule',
    cron: '0 2 * * *',
    timeZone: 'Asia/Shanghai',
    filter: 'record.hot == true',
  }),
  { ...hold('weekly', { on: 'schedule', cron: '0 9 * * MON', timeZone: 'Asia/Shanghai' }) },
  reassign,
];
const definition = (flows: FlowDefinition[]) => ({
  formatVersion: 1,
  tables: [{ key: 'lead', label: l('Lead', '线索'), fields }],
  roles: ['rep', 'closer'].map((key) => ({
    key,
    label: l(key, key),
    tables: { lead: { read: 'all', update: 'own', fields: { read: '*', write: '*' } } },
  })),
  forms: [
    {
      key: 'entry',
      label: l('Entry', '录入'),
      table: 'lead',
      sections: [{ key: 'main', label: l('Main', '基本'), items: [{ field: 'name' }] }],
    },
  ],
  rules: {
    assignment: [
      {
        key: 'closers',
        table: 'lead',
        entries: [{ key: 'all', candidates: "'closer' in user.roles", strategy: 'least_loaded' }],
        fallback: { pool: 'market' },
      },
    ],
  },
  flows,
});

describe('flow triggers', () => {
  let stack: FlowTestStack;
  let target: TestDatabase;
  let handle: TemporalClientHandle;
  let api: ReturnType<typeof apiClient>;
  let app: ReturnType<typeof createTestApp>;
  const space = `trig${randomBytes(3).toString('hex')}`;
  const people: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startFlowTestStack();
    ({ target, handle, api, app } = stack);
    const created = await api.expect<any>(201, 'POST', '/api/spaces', {
      key: space,
      name: l('Triggers', '触发'),
    });
    const db = target.database.db;
    for (const [name, roles] of [
      ['rep', ['rep']],
      ['closer', ['closer']],
    ] as const) {
      people[name] = (
        await db
          .insertInto('platform.users')
          .values({ email: `${name}-${space}@example.cn`, display_name: name })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await db
        .insertInto('platform.space_members')
        .values({ space_id: created.space.id, user_id: people[name]!, roles: [...roles] })
        .execute();
    }
    await api.expect(200, 'PUT', `/api/spaces/${space}/definition/draft`, definition(baseFlows));
    await api.expect(201, 'POST', `/api/spaces/${space}/definition/publish`);
  });
  afterAll(async () => {
    for (const flow of ['nightly', 'weekly'])
      await handle?.client.schedule
        .getHandle(flowScheduleId(space, flow))
        .delete()
        .catch(() => {});
    await stack?.close();
  });

  const createLead = async (values: Record<string, unknown>, query = '') =>
    (
      await api.expect<any>(201, 'POST', `/api/spaces/${space}/tables/lead/records${query}`, {
        owner: people.rep,
        ...values,
      })
    ).record.id as string;

  /** Executions of a flow, listed by search attributes, once `done` holds for them. */
  async function executions(
    flow: string,
    done: (rows: Array<{ recordId: string; status: string }>) => boolean,
  ) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { executions: rows } = await api.expect<any>(
        200,
        'GET',
        `/api/spaces/${space}/flows/${flow}/executions`,
      );
      if (done(rows)) return rows as Array<{ recordId: string; status: string; table: string }>;
      if (Date.now() > deadline) throw new Error(`executions of ${flow}: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const settle = () => new Promise((r) => setTimeout(r, 1_500));

  it('describes the trigger and execution routes in the OpenAPI document', async () => {
    const doc = await api.expect<any>(200, 'GET', '/api/openapi.json');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/spaces/{space}/flows/{flow}/start',
        '/api/spaces/{space}/flows/{flow}/webhook',
        '/api/spaces/{space}/flows/{flow}/webhook/secret',
        '/api/spaces/{space}/flows/{flow}/executions/{record}/retry',
      ]),
    );
  });

  it('starts a manual flow once, however often it is asked while it runs', async () => {
    const id = await createLead({ name: '手动' });
    const answers = await Promise.all(
      [1, 2, 3].map(() => api.post(`/api/spaces/${space}/flows/by_hand/start`, { recordId: id })),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(answers[0]!.body.workflowId).toBe(`${space}/by_hand/${id}`);
    await executions('by_hand', (rows) => rows.length >= 1);
    await settle();
    const rows = await executions('by_hand', () => true);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ recordId: id, status: 'RUNNING', table: 'lead' });

    // Who may start it is who may update the record: its owner, not another rep.
    const tokenOf = async (userId: string) =>
      (
        await createApiToken(target.database.db, {
          name: 'flow-start',
          userId,
          spaceId: null,
          expiresAt: null,
        })
      ).token;
    const other = await createLead({ name: '权限' });
    const as = async (person: string) =>
      api.post(
        `/api/spaces/${space}/flows/by_hand/start`,
        { recordId: other },
        { authorization: `Bearer ${await tokenOf(people[person]!)}` },
      );
    expect((await as('closer')).status).toBe(403);
    expect((await as('rep')).status).toBe(202);

    const wrong = await api.post(`/api/spaces/${space}/flows/by_webhook/start`, { recordId: id });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.code).toBe('FLOW_TRIGGER_MISMATCH');
    const missing = await api.post(`/api/spaces/${space}/flows/by_hand/start`, {
      recordId: '00000000-0000-4000-8000-000000000000',
    });
    expect(missing.status).toBe(404);
  });

  it('starts a webhook flow only for a correctly signed delivery', async () => {
    const id = await createLead({ name: '回调' });
    const { secret } = await api.expect<any>(
      201,
      'POST',
      `/api/spaces/${space}/flows/by_webhook/webhook/secret`,
    );
    const body = JSON.stringify({ recordId: id });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const send = (signature: string, ts = timestamp) =>
      app.request(`/api/spaces/${space}/flows/by_webhook/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-baton-timestamp': ts,
          'x-baton-signature': signature,
        },
        body,
      });
    expect((await send('0'.repeat(64))).status).toBe(401);
    const old = String(Number(timestamp) - 3_600);
    expect((await send(signDelivery(secret, body, old), old)).status).toBe(401);
    const ok = await send(signDelivery(secret, body, timestamp));
    expect(ok.status).toBe(202);
    expect(ok.headers.get('idempotent-replay')).toBeNull();
    // The same delivery again (a sender's retry) starts nothing more: the claim outlives the run.
    const again = await send(signDelivery(secret, body, timestamp));
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replay')).toBe('true');
    const replayed = await app.request(`/api/spaces/${space}/flows/by_webhook/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-baton-timestamp': timestamp,
        'x-baton-signature': signDelivery(secret, body, timestamp),
        'idempotency-key': 'another-delivery',
      },
      body,
    });
    expect(replayed.status).toBe(409);
    await executions('by_webhook', (rows) => rows.length >= 1);
    await settle();
    const rows = await executions('by_webhook', () => true);
    expect(rows.map((r) => r.recordId)).toEqual([id]);
  });

  it('starts the form flow for records submitted through the form, not for others', async () => {
    const viaForm = await createLead({ name: '表单' }, '?form=entry');
    const viaApi = await createLead({ name: '接口' });
    const unknown = await api.post(`/api/spaces/${space}/tables/lead/records?form=nope`, {
      name: 'x',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('UNKNOWN_FORM');
    await executions('by_form', (rows) => rows.length >= 1);
    await settle();
    const rows = await executions('by_form', () => true);
    expect(rows.map((r) => r.recordId)).toEqual([viaForm]);
    expect(rows.map((r) => r.recordId)).not.toContain(viaApi);
    const history = (
      await api.expect<any>(
        200,
        'GET',
        `/api/spaces/${space}/tables/lead/records/${viaForm}/history`,
      )
    ).entries;
    expect(history[0].source).toBe('form');
  });

  it('re-runs the assignment rules from a flow, audited as the flow', async () => {
    const id = await createLead({ name: '重新分配' });
    await api.expect(202, 'POST', `/api/spaces/${space}/flows/reassign/start`, { recordId: id });
    const deadline = Date.now() + 20_000;
    let record: any;
    for (;;) {
      record = (await api.expect<any>(200, 'GET', `/api/spaces/${space}/tables/lead/records/${id}`))
        .record;
      if (record.owner === people.closer || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(record.owner).toBe(people.closer);
    const history = (
      await api.expect<any>(200, 'GET', `/api/spaces/${space}/tables/lead/records/${id}/history`)
    ).entries;
    expect(history.at(-1)).toMatchObject({
      field: 'owner',
      before: people.rep,
      after: people.closer,
      source: 'flow',
    });
  });

  it('keeps a Temporal Schedule per scheduled flow and starts the flow for matching records when it fires', async () => {
    const hot = [
      await createLead({ name: '热1', hot: true }),
      await createLead({ name: '热2', hot: true }),
    ];
    const cold = await createLead({ name: '冷', hot: false });
    const schedule = handle.client.schedule.getHandle(flowScheduleId(space, 'nightly'));
    const deadline = Date.now() + 20_000;
    let described;
    for (;;) {
      try {
        described = await schedule.describe();
        break;
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError) || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(described.spec.timezone).toBe('Asia/Shanghai');
    expect(described.action).toMatchObject({ workflowType: 'flowScheduleTickWorkflow' });

    const ticks = async (count: number) => {
      const until = Date.now() + 20_000;
      for (;;) {
        const rows = await target.database.db
          .selectFrom('platform.flow_schedule_ticks' as never)
          .select(['started' as never])
          .where('flow_key' as never, '=', 'nightly' as never)
          .execute();
        if (rows.length >= count || Date.now() > until)
          return rows.map((t: any) => t.started as number);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await schedule.trigger();
    expect(await ticks(1)).toEqual([2]);
    await executions('nightly', (rows) => rows.length >= 2);
    // A second firing while those executions run starts no second execution for a record.
    await new Promise((r) => setTimeout(r, 1_100));
    await schedule.trigger();
    expect(await ticks(2)).toEqual([2, 2]);
    await settle();
    const rows = await executions('nightly', () => true);
    expect(rows.map((r) => r.recordId).sort()).toEqual([...hot].sort());
    expect(rows.map((r) => r.recordId)).not.toContain(cold);

    // Without a filter, a firing starts the flow once, for no record.
    await handle.client.schedule.getHandle(flowScheduleId(space, 'weekly')).trigger();
    await executions('weekly', (found) => found.length >= 1);
    await settle();
    const once = await executions('weekly', () => true);
    expect(once).toHaveLength(1);
    expect(once[0]!.recordId).toMatch(/^tick-/);

    // Unpublishing the flow deletes its schedule.
    await api.expect(
      200,
      'PUT',
      `/api/spaces/${space}/definition/draft`,
      definition(baseFlows.filter((f) => f.key !== 'nightly')),
    );
    await api.expect(201, 'POST', `/api/spaces/${space}/definition/publish`);
    const gone = Date.now() + 20_000;
    for (;;) {
      try {
        await schedule.describe();
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) break;
        throw error;
      }
      if (Date.now() > gone) throw new Error('schedule still there');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
