// Dashboard threshold actions on real PostgreSQL and a real Temporal dev server: a widget's figure
// crossing into a band starts the flow its action names once per crossing — not on every
// evaluation, not once per evaluating process — and publish refuses actions that cannot run.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDefinition } from '../../runtime/flows/flow-schema';
import { createRecordChangeHub } from '../../platform/metrics/record-change-hub';
import {
  evaluateThresholdActions,
  startThresholdWatcher,
} from '../../platform/metrics/threshold-actions';
import type { apiClient } from '../support/api-client';
import { startFlowTestStack, type FlowTestStack } from '../support/flow-test-stack';
import { type TestDatabase } from '../support/test-database';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const manual = (key: string): FlowDefinition => ({
  key,
  label: l(key, key),
  table: 'lead',
  trigger: { on: 'manual' },
  nodes: [{ id: 'hold', type: 'wait', duration: 'PT1H' }],
  edges: [],
});

/** Open hot leads: at most 1 is green, 2 yellow, more red; red starts `backlog_alarm`. */
const definition = (extra: { flows?: FlowDefinition[]; actions?: unknown[] } = {}) => ({
  formatVersion: 1,
  tables: [
    {
      key: 'lead',
      label: l('Lead', '线索'),
      fields: [
        { key: 'name', type: 'text', label: l('Name', '姓名') },
        { key: 'hot', type: 'boolean', label: l('Hot', '高意向') },
      ],
    },
  ],
  flows: extra.flows ?? [manual('backlog_alarm'), manual('all_clear')],
  metrics: [
    {
      key: 'hot_leads',
      label: l('Hot leads', '高意向线索'),
      table: 'lead',
      measure: { kind: 'count' },
      filter: 'record.hot == true',
      unit: 'count',
    },
  ],
  dashboards: [
    {
      key: 'ops',
      label: l('Operations', '运营'),
      widgets: [
        {
          key: 'backlog',
          type: 'kpi',
          label: l('Hot backlog', '高意向积压'),
          metric: 'hot_leads',
          position: { x: 0, y: 0, w: 3, h: 2 },
          thresholds: { direction: 'lower_is_better', green: 1, yellow: 2 },
          actions: extra.actions ?? [
            { when: 'red', startFlow: 'backlog_alarm' },
            { when: 'green', startFlow: 'all_clear' },
          ],
        },
      ],
    },
  ],
});

describe('dashboard threshold actions', () => {
  let stack: FlowTestStack;
  let target: TestDatabase;
  let api: ReturnType<typeof apiClient>;
  const space = `thr${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    stack = await startFlowTestStack();
    ({ target, api } = stack);
    await api.expect(201, 'POST', '/api/spaces', { key: space, name: l('Thresholds', '阈值') });
    await api.expect(200, 'PUT', `/api/spaces/${space}/definition/draft`, definition());
    await api.expect(201, 'POST', `/api/spaces/${space}/definition/publish`);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const createLead = async (hot: boolean) =>
    (
      await api.expect<any>(201, 'POST', `/api/spaces/${space}/tables/lead/records`, {
        name: 'lead',
        hot,
      })
    ).record.id as string;

  /** Executions of a flow listed from Temporal's visibility, once `done` holds for them. */
  async function executions(flow: string, done: (rows: any[]) => boolean) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { executions: rows } = await api.expect<any>(
        200,
        'GET',
        `/api/spaces/${space}/flows/${flow}/executions`,
      );
      if (done(rows)) return rows as Array<{ recordId: string; status: string }>;
      if (Date.now() > deadline) throw new Error(`executions of ${flow}: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const settle = () => new Promise((r) => setTimeout(r, 1_500));
  const thresholdStarts = async () =>
    (
      await sql<{ workflow_id: string; payload: any }>`
        select workflow_id, payload from platform.outbox
        where topic = 'dashboard.threshold' order by seq`.execute(target.database.db)
    ).rows;

  it('starts the flow of the band a figure enters once, and nothing while it stays there', async () => {
    const db = target.database.db;
    // No hot lead: the first evaluation enters green.
    const first = await evaluateThresholdActions(db, space);
    expect(first).toEqual([
      expect.objectContaining({
        widget: 'backlog',
        from: null,
        to: 'green',
        value: 0,
        started: [`${space}/all_clear/threshold-ops.backlog.1`],
      }),
    ]);
    expect(await evaluateThresholdActions(db, space)).toEqual([]);

    // Three hot leads: red. Several evaluations at once (other processes) claim it once.
    for (let i = 0; i < 3; i += 1) await createLead(true);
    const racing = await Promise.all([1, 2, 3].map(() => evaluateThresholdActions(db, space)));
    const crossings = racing.flat();
    expect(crossings).toHaveLength(1);
    expect(crossings[0]).toMatchObject({ from: 'green', to: 'red', value: 3 });
    expect(crossings[0]!.started).toEqual([`${space}/backlog_alarm/threshold-ops.backlog.2`]);

    // Still red after another write and more evaluations: no second start.
    await createLead(true);
    expect(await evaluateThresholdActions(db, space)).toEqual([]);
    expect(await evaluateThresholdActions(db, space)).toEqual([]);

    const alarms = await executions('backlog_alarm', (rows) => rows.length >= 1);
    await settle();
    expect(await executions('backlog_alarm', () => true)).toEqual([
      expect.objectContaining({ recordId: 'threshold-ops.backlog.2', status: 'RUNNING' }),
    ]);
    expect(alarms).toHaveLength(1);
    expect(await executions('all_clear', (rows) => rows.length >= 1)).toHaveLength(1);

    // The execution's record is the crossing, with the widget's and the metric's context.
    const starts = await thresholdStarts();
    expect(starts.map((s) => s.workflow_id)).toEqual([
      `${space}/all_clear/threshold-ops.backlog.1`,
      `${space}/backlog_alarm/threshold-ops.backlog.2`,
    ]);
    expect(starts[1]!.payload.record).toMatchObject({
      id: 'threshold-ops.backlog.2',
      dashboard: 'ops',
      widget: 'backlog',
      metric: 'hot_leads',
      value: 3,
      color: 'red',
      previousColor: 'green',
    });
  });

  it('evaluates after writes on its own: one start per crossing through the watcher', async () => {
    const db = target.database.db;
    const hub = createRecordChangeHub(target.database);
    const stop = startThresholdWatcher({ db, changes: hub, intervalMs: 60_000, debounceMs: 100 });
    try {
      // Down to no hot lead: green again (crossing 3), then up to red (crossing 4).
      await sql`update ${sql.raw(`space_${space}.lead`)} set hot = false`.execute(db);
      await createLead(false); // a write through the API tells the watcher
      await executions('all_clear', (rows) => rows.length >= 2);
      for (let i = 0; i < 3; i += 1) await createLead(true);
      await executions('backlog_alarm', (rows) => rows.length >= 2);
      // More hot leads keep it red: the watcher evaluates again and starts nothing.
      await createLead(true);
      await createLead(true);
      await settle();
      // (The watcher may have seen yellow on the way up, which has no action.)
      const alarms = await executions('backlog_alarm', () => true);
      expect(alarms).toHaveLength(2);
      expect(alarms.map((r) => r.recordId)).toContain('threshold-ops.backlog.2');
      expect(await thresholdStarts()).toHaveLength(4);
      const state = await sql<{ color: string; value: number; crossings: number }>`
        select color, value, crossings from platform.threshold_states where widget_key = 'backlog'`.execute(
        db,
      );
      expect(state.rows).toEqual([{ color: 'red', value: 5, crossings: expect.any(Number) }]);
      expect(state.rows[0]!.crossings).toBeGreaterThanOrEqual(4);
    } finally {
      stop();
      await hub.close();
    }
  });

  it('refuses at publish an action whose flow is not manual or needs a record, with the pointer', async () => {
    const recordFlow: FlowDefinition = {
      key: 'on_create',
      label: l('On create', '新建时'),
      table: 'lead',
      trigger: { on: 'record.created' },
      nodes: [{ id: 'hold', type: 'wait', duration: 'PT1H' }],
      edges: [],
    };
    const updating: FlowDefinition = {
      key: 'mark',
      label: l('Mark', '标记'),
      table: 'lead',
      trigger: { on: 'manual' },
      nodes: [
        { id: 'set', type: 'update', set: { hot: 'false' } },
        { id: 'done', type: 'end' },
      ],
      edges: [{ from: 'set', to: 'done' }],
    };
    await api.expect(
      200,
      'PUT',
      `/api/spaces/${space}/definition/draft`,
      definition({
        flows: [recordFlow, updating],
        actions: [
          { when: 'red', startFlow: 'on_create' },
          { when: 'yellow', startFlow: 'mark' },
          { when: 'green', startFlow: 'nowhere' },
        ],
      }),
    );
    const refused = await api.expect<any>(422, 'POST', `/api/spaces/${space}/definition/publish`);
    const at = '/dashboards/0/widgets/0/actions';
    expect(
      refused.error.details.issues
        .filter((i: any) => i.pointer.startsWith(at))
        .map((i: any) => [i.pointer, i.code]),
    ).toEqual([
      [`${at}/0/startFlow`, 'THRESHOLD_FLOW_NOT_MANUAL'],
      [`${at}/1/startFlow`, 'NEEDS_RECORD'],
      [`${at}/2/startFlow`, 'UNKNOWN_FLOW'],
    ]);
  });
});
