// Metrics and dashboards on real PostgreSQL: every built-in formula against hand-computed figures
// (and against the runtime's reference functions on the same facts), drill-downs that return exactly
// the records behind a number and only those the viewer may read, the sandbox, LAI recompute and
// the live SSE stream.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  firstResponseMedianHours,
  healthScore,
  lai,
  type ActionFact,
} from '../../runtime/metrics/formulas';
import { apiClient } from '../support/api-client';
import { seedTestUser, type TestCaller } from '../support/test-auth';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const option = (value: string) => ({ value, label: l(value, value) });
const day = 86_400_000;

const metric = (key: string, measure: unknown, extra: Record<string, unknown> = {}) => ({
  key,
  label: l(key, key),
  table: 'lead',
  measure,
  ...extra,
});

const definition = {
  formatVersion: 1,
  tables: [
    {
      key: 'lead',
      label: l('Lead', '线索'),
      titleField: 'name',
      fields: [
        { key: 'name', type: 'text', label: l('Name', '名称') },
        { key: 'province', type: 'text', label: l('Province', '省份') },
        {
          key: 'source',
          type: 'select',
          options: ['web', 'expo'].map(option),
          label: l('Channel', '渠道'),
        },
        {
          key: 'need_grade',
          type: 'select',
          options: ['A', 'B', 'C'].map(option),
          label: l('Grade', '等级'),
        },
        { key: 'amount', type: 'money', label: l('Amount', '金额') },
      ],
      stages: ['demo', 'quote', 'contract'].map((key) => ({ key, label: l(key, key) })),
    },
  ],
  roles: [
    {
      key: 'rep',
      label: l('Rep', '销售'),
      tables: {
        lead: { read: 'own', fields: { read: ['name', 'province', 'source', 'need_grade'] } },
      },
    },
  ],
  metricLabels: [
    {
      key: 'effective',
      label: l('Effective opportunity', '有效商机'),
      table: 'lead',
      predicate: 'record.need_grade == "A" && record.amount >= 150',
    },
  ],
  metrics: [
    metric('leads', { kind: 'count' }, { groupBy: ['province'], unit: 'count' }),
    metric(
      'a_share',
      { kind: 'ratio', numerator: 'record.need_grade == "A"' },
      { groupBy: ['source'], unit: 'percent' },
    ),
    metric('amount_median', { kind: 'median', field: 'amount' }),
    metric('amount_p90', { kind: 'percentile', field: 'amount', p: 0.9 }),
    metric('effective', { kind: 'count' }, { filter: 'labels.effective' }),
    metric('lai', { kind: 'builtin', formula: 'lai' }, { unit: 'score' }),
    metric(
      'health',
      {
        kind: 'builtin',
        formula: 'health_score',
        params: { completenessFields: ['province', 'source', 'need_grade', 'amount'] },
      },
      { unit: 'score' },
    ),
    metric(
      'channels',
      { kind: 'builtin', formula: 'channel_effectiveness' },
      { groupBy: ['source'] },
    ),
    metric(
      'first_response',
      { kind: 'builtin', formula: 'first_response_median' },
      { unit: 'hours' },
    ),
    metric('fullness', { kind: 'builtin', formula: 'action_fullness' }),
    metric('collaboration', { kind: 'builtin', formula: 'collaboration_density' }),
    metric(
      'demo_dwell',
      { kind: 'builtin', formula: 'stage_dwell', params: { stage: 'demo' } },
      { unit: 'days' },
    ),
    metric('dwell', { kind: 'builtin', formula: 'stage_dwell' }, { unit: 'days' }),
    metric('contribution', { kind: 'builtin', formula: 'contribution_share' }),
    metric('on_time', {
      kind: 'builtin',
      formula: 'response_within',
      params: { withinHours: 100 },
    }),
    metric('lai_daily', { kind: 'builtin', formula: 'lai', params: { snapshot: true } }),
  ],
  dashboards: [
    {
      key: 'ops',
      label: l('Morning meeting', '线索作战会'),
      widgets: [
        {
          key: 'lai',
          type: 'kpi',
          label: l('LAI', '线索活性指数'),
          metric: 'lai',
          position: { x: 0, y: 0, w: 3, h: 2 },
          thresholds: { direction: 'higher_is_better', green: 75, yellow: 45 },
        },
        {
          key: 'response',
          type: 'kpi',
          label: l('First response', '首响中位数'),
          metric: 'first_response',
          position: { x: 3, y: 0, w: 3, h: 2 },
          thresholds: { direction: 'lower_is_better', green: 120, yellow: 240 },
        },
        {
          key: 'by_province',
          type: 'bar',
          label: l('Leads by province', '各省线索'),
          metric: 'leads',
          position: { x: 6, y: 0, w: 6, h: 4 },
        },
        {
          key: 'channels',
          type: 'table',
          label: l('Channel effectiveness', '渠道有效率'),
          metric: 'channels',
          position: { x: 0, y: 2, w: 6, h: 4 },
          thresholds: { direction: 'higher_is_better', green: 0.5, yellow: 0.3 },
        },
      ],
    },
  ],
};

describe('metrics and dashboards', () => {
  let target: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  let api: ReturnType<typeof apiClient>;
  let rep1: TestCaller;
  let rep2: TestCaller;
  let admin: string;
  const lead: Record<string, string> = {};
  const t0 = Date.now();
  const ago = (days: number) => new Date(t0 - days * day).toISOString();

  const get = async (path: string, caller?: TestCaller) => {
    const response = await app.request(path, caller ? { headers: caller.headers } : {});
    const body = (await response.json()) as any;
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body;
  };

  beforeAll(async () => {
    target = await createTestDatabase();
    const db = target.database.db;
    app = createTestApp({
      database: target.database,
    });
    api = apiClient(app);
    admin = (await app.testAdmin()).userId;
    const space = (
      await api.expect<any>(201, 'POST', '/api/spaces', { key: 'dash', name: l('dash', '看板') })
    ).space;
    rep1 = await seedTestUser(db, {
      email: 'rep1@example.cn',
      displayName: '张一',
      platformAdmin: false,
    });
    rep2 = await seedTestUser(db, {
      email: 'rep2@example.cn',
      displayName: '李二',
      platformAdmin: false,
    });
    for (const rep of [rep1, rep2]) {
      await db
        .insertInto('platform.space_members')
        .values({ space_id: space.id, user_id: rep.userId, roles: ['rep'] })
        .execute();
    }
    await api.expect(200, 'PUT', '/api/spaces/dash/definition/draft', definition);
    await api.expect(201, 'POST', '/api/spaces/dash/definition/publish');

    const rows: Array<[string, string, string, string, string, number | null, number]> = [
      // key, owner, province, source, grade, amount, updated days ago
      ['l1', rep1.userId, '浙江', 'web', 'A', 100, 1],
      ['l2', rep1.userId, '浙江', 'expo', 'C', 300, 10],
      ['l3', rep1.userId, '江苏', 'expo', 'A', null, 3],
      ['l4', rep2.userId, '江苏', 'web', 'B', 200, 20],
      ['l5', rep2.userId, '浙江', 'expo', 'A', 400, 6],
    ];
    for (const [key, owner, province, source, grade, amount] of rows) {
      const created = await api.expect<any>(201, 'POST', '/api/spaces/dash/tables/lead/records', {
        name: key,
        owner,
        province,
        source,
        need_grade: grade,
        ...(amount !== null && { amount }),
      });
      lead[key] = created.record.id;
    }
    // Recorded history, backdated: creation 40 days ago and the last write per lead.
    for (const [key, , , , , , updated] of rows) {
      await sql`update space_dash.lead set created_at = ${ago(40)}::timestamptz, updated_at = ${ago(updated)}::timestamptz
        where id = ${lead[key]}::uuid`.execute(db);
    }
    const follow = (key: string, days: number, role: string | null, actor?: string) => ({
      table: 'lead',
      recordId: lead[key],
      type: 'follow_up',
      at: ago(days),
      payload: { ...(role && { role }), ...(actor && { actor }) },
    });
    const credit = (key: string, type: string, actor: string, days: number) => ({
      table: 'lead',
      recordId: lead[key],
      type,
      at: ago(days),
      payload: { actor },
    });
    await api.expect(200, 'POST', '/api/spaces/dash/events', {
      events: [
        follow('l1', 1, '院长', rep1.userId),
        follow('l1', 2, '设备科主任', rep1.userId),
        follow('l1', 5, '院长', rep2.userId),
        follow('l2', 3, '财务处长'),
        { ...follow('l2', 1, '采购'), type: 'page_dwell' },
        follow('l3', 35, '院长'),
        follow('l3', 36, '采购'),
        follow('l5', 2, '院长'),
        follow('l5', 4, '院长'),
        follow('l5', 6, '院长'),
        follow('l5', 8, null),
        credit('l1', 'lead_introduced', rep1.userId, 9),
        credit('l1', 'demo', rep2.userId, 8),
        credit('l5', 'payment_push', rep2.userId, 1),
      ],
    });
    // Stage history and extra hands on the leads, as the audit log records them.
    const audit = (
      key: string,
      field: string,
      after: unknown,
      days: number,
      actor: string | null,
    ) => ({
      space_id: space.id,
      table_key: 'lead',
      record_id: lead[key]!,
      action: 'update' as const,
      field,
      before: null,
      after,
      actor,
      source: 'api' as const,
      at: new Date(t0 - days * day),
    });
    await db
      .insertInto('platform.audit_log')
      .values([
        audit('l1', 'stage', 'demo', 10, null),
        audit('l1', 'stage', 'quote', 7, null),
        audit('l1', 'stage', 'contract', 4, null),
        audit('l4', 'stage', 'demo', 20, null),
        audit('l4', 'stage', 'quote', 12, null),
        audit('l1', 'province', '浙江', 3, rep1.userId),
        audit('l1', 'source', 'web', 3, rep2.userId),
        audit('l2', 'source', 'expo', 3, rep1.userId),
      ] as never)
      .execute();
  }, 120_000);
  afterAll(() => target.drop());

  const value = async (key: string, query = '') =>
    (await get(`/api/spaces/dash/metrics/${key}/values${query}`)) as {
      value: number | null;
      count: number;
      groups: Array<{
        key: (string | null)[];
        label: (string | null)[] | null;
        value: number;
        count: number;
      }>;
    };

  it('counts, shares, medians and percentiles with their groups, total and groups from the same rows', async () => {
    const leads = await value('leads');
    expect(leads.value).toBe(5);
    expect(leads.groups.map((g) => [g.key[0], g.value])).toEqual([
      ['江苏', 2],
      ['浙江', 3],
    ]);
    const share = await value('a_share');
    expect(share.value).toBeCloseTo(0.6, 12);
    expect(share.groups.map((g) => [g.key[0], g.value])).toEqual([
      ['expo', 2 / 3],
      ['web', 0.5],
    ]);
    expect((await value('amount_median')).value).toBe(250);
    expect((await value('amount_p90')).value).toBeCloseTo(370, 9);
    const byOwner = await value('leads', '?groupBy=owner');
    expect(byOwner.groups.map((g) => [g.label?.[0], g.value]).sort()).toEqual([
      ['张一', 3],
      ['李二', 2],
    ]);
  });

  it('computes LAI, health, first response, fullness, collaboration, dwell and contribution as hand-computed', async () => {
    // LAI: fresh l1 l3 l5 (0.6), dense l1 l5 (0.4), covered l1 l3 (0.4) → 100 × (0.24 + 0.14 + 0.10)
    expect((await value('lai')).value).toBeCloseTo(48, 9);
    // Health: l1 100, l2 85, l3 60, l4 40, l5 85
    expect((await value('health')).value).toBeCloseTo(74, 9);
    const channels = await value('channels');
    expect(channels.value).toBeCloseTo(0.6, 12);
    expect(channels.groups.map((g) => g.value)).toEqual([2 / 3, 0.5]);
    // First follow-up after creation 40 days ago: l1 35 d, l2 37 d, l3 4 d, l5 32 d → (768 + 840) / 2 h
    const response = await value('first_response');
    expect(response.value).toBeCloseTo(804, 6);
    expect(response.count).toBe(4);
    expect((await value('fullness')).value).toBe(2);
    // Only l3 was followed up within 100 hours of creation (96 h)
    expect((await value('on_time')).value).toBeCloseTo(0.2, 12);
    // Distinct people in the audit log: l1 admin + rep1 + rep2, l2 admin + rep1, the others admin
    expect((await value('collaboration')).value).toBeCloseTo(1.6, 12);
    expect((await value('demo_dwell')).value).toBeCloseTo(5.5, 9);
    expect((await value('dwell')).value).toBeCloseTo(3, 9);
    const contribution = await value('contribution');
    expect(contribution.value).toBe(60);
    const shares = Object.fromEntries(
      contribution.groups.map((g) => [`${g.key[0]}|${g.key[1]}`, g.value]),
    );
    expect(shares).toEqual({
      [`${lead.l1}|${rep1.userId}`]: 1 / 3,
      [`${lead.l1}|${rep2.userId}`]: 2 / 3,
      [`${lead.l5}|${rep2.userId}`]: 1,
    });
  });

  it('agrees with the runtime reference formulas on the same stored facts', async () => {
    const db = target.database.db;
    const records =
      await sql<any>`select id, created_at, updated_at, province, source, need_grade, amount from space_dash.lead`.execute(
        db,
      );
    const events = await db.selectFrom('platform.behaviour_events').selectAll().execute();
    const actions: ActionFact[] = events.map((e) => ({
      recordId: e.record_id,
      type: e.type,
      at: e.at.getTime(),
      role: (e.payload as any).role ?? null,
      actor: (e.payload as any).actor ?? null,
    }));
    const facts = records.rows.map((r: any) => ({
      id: r.id,
      createdAt: r.created_at.getTime(),
      updatedAt: r.updated_at.getTime(),
      filledFields: [r.province, r.source, r.need_grade, r.amount].filter((v) => v !== null).length,
    }));
    const now = Date.now();
    expect((await value('lai')).value).toBeCloseTo(lai(facts, actions, now)!.lai, 9);
    const params = { completenessFields: ['province', 'source', 'need_grade', 'amount'] };
    const health =
      facts.reduce((s, f) => s + healthScore(f, actions, now, params), 0) / facts.length;
    expect((await value('health')).value).toBeCloseTo(health, 6);
    expect((await value('first_response')).value).toBeCloseTo(
      firstResponseMedianHours(facts, actions)!,
      6,
    );
  });

  it('drills down to exactly the records behind a number', async () => {
    const ids = (page: any) => page.records.map((r: any) => r.id).sort();
    const zhejiang = await get(
      `/api/spaces/dash/metrics/leads/records?group=${encodeURIComponent('["浙江"]')}`,
    );
    expect(zhejiang.total).toBe(3);
    expect(ids(zhejiang)).toEqual([lead.l1, lead.l2, lead.l5].sort());
    const numerator = await get(
      `/api/spaces/dash/metrics/a_share/records?part=numerator&group=${encodeURIComponent('["expo"]')}`,
    );
    expect(ids(numerator)).toEqual([lead.l3, lead.l5].sort());
    const answered = await get('/api/spaces/dash/metrics/first_response/records');
    expect(ids(answered)).toEqual([lead.l1, lead.l2, lead.l3, lead.l5].sort());
    const widget = await get(
      `/api/spaces/dash/dashboards/ops/widgets/by_province/records?group=${encodeURIComponent('["江苏"]')}&limit=1`,
    );
    expect(widget.total).toBe(2);
    expect(widget.records).toHaveLength(1);
    expect(widget.nextCursor).not.toBeNull();
    const bad = await app.request('/api/spaces/dash/metrics/leads/records?group=%5B1%5D');
    expect(bad.status).toBe(400);
    const wrongArity = await app.request(
      `/api/spaces/dash/metrics/leads/records?group=${encodeURIComponent('["a","b"]')}`,
    );
    expect(wrongArity.status).toBe(400);
  });

  it('shows a rep only the numbers and records of their own leads, without hidden fields', async () => {
    const mine = await get('/api/spaces/dash/metrics/leads/values', rep2);
    expect(mine.value).toBe(2);
    expect(mine.groups.map((g: any) => [g.key[0], g.value])).toEqual([
      ['江苏', 1],
      ['浙江', 1],
    ]);
    const drill = await get(
      `/api/spaces/dash/metrics/leads/records?group=${encodeURIComponent('["浙江"]')}`,
      rep2,
    );
    expect(drill.total).toBe(1);
    expect(drill.records.map((r: any) => r.id)).toEqual([lead.l5]);
    expect(drill.records[0].amount).toBeUndefined();
    expect(drill.records[0].name).toBe('l5');
  });

  it('answers a dashboard with every widget and its threshold colour', async () => {
    const board = await get('/api/spaces/dash/dashboards/ops');
    const byKey = Object.fromEntries(board.widgets.map((w: any) => [w.key, w]));
    expect(byKey.lai.result.value).toBeCloseTo(48, 9);
    expect(byKey.lai.color).toBe('yellow');
    expect(byKey.response.color).toBe('red');
    expect(byKey.channels.color).toBe('green');
    expect(byKey.by_province.color).toBeNull();
    const list = await get('/api/spaces/dash/dashboards');
    expect(list.dashboards).toEqual([
      { key: 'ops', label: l('Morning meeting', '线索作战会'), widgetCount: 4 },
    ]);
    const missing = await app.request('/api/spaces/dash/dashboards/nope');
    expect(missing.status).toBe(404);
  });

  it('previews a predicate and backfills its label onto every stored record', async () => {
    const preview = await api.expect<any>(200, 'POST', '/api/spaces/dash/metrics/preview', {
      table: 'lead',
      predicate: 'record.need_grade == "A" && record.amount >= 150',
    });
    expect([preview.total, preview.matched, preview.share]).toEqual([5, 1, 0.2]);
    expect(preview.sample.map((r: any) => r.id)).toEqual([lead.l5]);
    const broken = await api.post('/api/spaces/dash/metrics/preview', {
      table: 'lead',
      predicate: 'record.nope > 1',
    });
    expect(broken.status).toBe(400);
    expect((await value('effective')).value).toBe(0);
    const backfill = await api.expect<any>(
      200,
      'POST',
      '/api/spaces/dash/metrics/labels/effective/backfill',
    );
    expect([backfill.labelled, backfill.matched]).toEqual([5, 1]);
    expect((await value('effective')).value).toBe(1);
    const forbidden = await app.request('/api/spaces/dash/metrics/labels/effective/backfill', {
      method: 'POST',
      headers: rep1.headers,
    });
    expect(forbidden.status).toBe(403);
  });

  it('recomputes LAI for all leads in one job and keeps the snapshot per owner', async () => {
    const { snapshots } = await api.expect<any>(
      200,
      'POST',
      '/api/spaces/dash/metrics/lai/recompute',
    );
    expect(snapshots.map((s: any) => s.metric)).toEqual(['lai', 'lai_daily']);
    expect(snapshots[0]).toMatchObject({
      metric: 'lai',
      leads: 5,
      freshness: 0.6,
      actionDensity: 0.4,
      roleCoverage: 0.4,
    });
    expect(snapshots[0].lai).toBeCloseTo(48, 9);
    const rows =
      await sql<any>`select owner::text, leads from platform.lai_daily where metric = 'lai' order by leads`.execute(
        target.database.db,
      );
    expect(rows.rows.map((r: any) => [r.owner, r.leads])).toEqual([
      [rep2.userId, 2],
      [rep1.userId, 3],
    ]);
  });

  it('keeps the per-record event rollup equal to the events it aggregates, batch after batch', async () => {
    await api.expect(200, 'POST', '/api/spaces/dash/events', {
      events: [
        {
          table: 'lead',
          recordId: lead.l2,
          type: 'follow_up',
          at: ago(0.5),
          payload: { role: '院长' },
        },
        {
          table: 'lead',
          recordId: lead.l2,
          type: 'follow_up',
          at: ago(50),
          payload: { role: '财务处长' },
        },
        { table: 'lead', recordId: lead.l4, type: 'follow_up', at: ago(2) },
      ],
    });
    const aggregate = sql`select space_id, table_key, record_id, type, count(*)::int as actions,
        min(at) as first_at, max(at) as last_at,
        coalesce(array_agg(distinct payload ->> 'role' order by payload ->> 'role')
          filter (where payload ->> 'role' is not null), '{}') as roles
      from platform.behaviour_events group by 1, 2, 3, 4`;
    const rollup = sql`select space_id, table_key, record_id, type, actions, first_at, last_at, roles
      from platform.record_event_facts`;
    const db = target.database.db;
    expect((await sql`${aggregate} except ${rollup}`.execute(db)).rows).toEqual([]);
    expect((await sql`${rollup} except ${aggregate}`.execute(db)).rows).toEqual([]);
    const l2 = await sql<any>`select actions, roles from platform.record_event_facts
      where record_id = ${lead.l2}::uuid and type = 'follow_up'`.execute(db);
    expect(l2.rows).toEqual([{ actions: 3, roles: ['财务处长', '院长'] }]);
  });

  it('pushes the dashboard again over SSE when a record of its table changes', async () => {
    const response = await app.request('/api/spaces/dash/dashboards/ops/stream', {
      headers: { accept: 'text/event-stream' },
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextValues = async () => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith('event: values')) {
            return JSON.parse(
              frame
                .split('\n')
                .find((line) => line.startsWith('data: '))!
                .slice(6),
            );
          }
          continue;
        }
        const { value: chunk, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(chunk, { stream: true });
      }
    };
    const first = await nextValues();
    const provinces = (v: any) => v.widgets.find((w: any) => w.key === 'by_province').result.value;
    expect(provinces(first)).toBe(5);
    await api.expect(201, 'POST', '/api/spaces/dash/tables/lead/records', {
      name: 'l6',
      province: '上海',
      owner: admin,
    });
    const second = await nextValues();
    expect(provinces(second)).toBe(6);
    await reader.cancel();
  }, 30_000);

  it('reuses a dashboard answer until a record of its tables changes', async () => {
    const count = (v: any) => v.widgets.find((w: any) => w.key === 'by_province').result.value;
    const first = await get('/api/spaces/dash/dashboards/ops');
    const again = await get('/api/spaces/dash/dashboards/ops');
    expect(again.computedAt).toBe(first.computedAt);
    await api.expect(201, 'POST', '/api/spaces/dash/tables/lead/records', {
      name: 'l7',
      province: '上海',
    });
    await vi.waitFor(
      async () => {
        const fresh = await get('/api/spaces/dash/dashboards/ops');
        expect(fresh.computedAt).not.toBe(first.computedAt);
        expect(count(fresh)).toBe(count(first) + 1);
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
