// Metric pre-aggregates on real PostgreSQL: for windowed metrics of every pre-aggregated kind, the
// answer from hourly buckets plus live hours equals the full computation from the records — before
// the buckets exist, after they are built, and after creates, updates, deletes, backdating, events
// and label changes (marked hours answered live) — and the stored buckets equal a rebuild from
// scratch once compacted.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricDefinition } from '../../runtime/metrics/metric-schema';
import { getPublished } from '../../platform/definitions/definition-store';
import {
  bucketSpec,
  compactBuckets,
  settleCompactions,
} from '../../platform/metrics/metric-buckets';
import { computeMetric, type MetricResult } from '../../platform/metrics/metric-service';
import { resolveTable, type TableContext } from '../../platform/records/table-context';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const option = (value: string) => ({ value, label: l(value, value) });
const hour = 3_600_000;
const day = 24 * hour;
const windowed = { time: { field: 'created_at', window: 'P30D' } };
const metric = (key: string, measure: unknown, extra: Record<string, unknown> = {}) => ({
  key,
  label: l(key, key),
  table: 'lead',
  measure,
  ...windowed,
  ...extra,
});

const metrics = [
  metric('leads', { kind: 'count' }, { groupBy: ['province'] }),
  metric('weekly', { kind: 'count' }, { groupBy: ['created_at:week'] }),
  metric(
    'a_share',
    { kind: 'ratio', numerator: 'record.need_grade == "A"' },
    { groupBy: ['source'] },
  ),
  metric('effective', { kind: 'ratio', numerator: 'labels.big' }, { groupBy: ['owner'] }),
  metric('web_amount', { kind: 'sum', field: 'amount' }, { filter: 'record.source == "web"' }),
  metric('avg_amount', { kind: 'avg', field: 'amount' }, { groupBy: ['need_grade'] }),
  metric('min_amount', { kind: 'min', field: 'amount' }),
  metric('max_amount', { kind: 'max', field: 'amount' }, { groupBy: ['province', 'source'] }),
  metric('median_amount', { kind: 'median', field: 'amount' }, { groupBy: ['source'] }),
  metric('p90_amount', { kind: 'percentile', field: 'amount', p: 0.9 }),
  metric(
    'channels',
    { kind: 'builtin', formula: 'channel_effectiveness' },
    { groupBy: ['source'] },
  ),
  metric(
    'on_time',
    { kind: 'builtin', formula: 'response_within', params: { withinHours: 48 } },
    { groupBy: ['owner'] },
  ),
  metric('first_response', { kind: 'builtin', formula: 'first_response_median' }),
  metric('fullness', { kind: 'builtin', formula: 'action_fullness' }, { groupBy: ['province'] }),
  metric(
    'health',
    {
      kind: 'builtin',
      formula: 'health_score',
      params: { completenessFields: ['province', 'source', 'need_grade', 'amount'] },
    },
    { groupBy: ['owner'] },
  ),
];

const definition = {
  formatVersion: 1,
  tables: [
    {
      key: 'lead',
      label: l('Lead', '线索'),
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
    },
  ],
  metricLabels: [
    {
      key: 'big',
      label: l('Big deal', '大单'),
      table: 'lead',
      predicate: 'record.amount >= 300',
    },
  ],
  metrics,
};

describe('metric pre-aggregates', () => {
  let target: TestDatabase;
  let api: ReturnType<typeof apiClient>;
  let context: TableContext;
  let spaceId: string;
  const ids: string[] = [];
  const users: string[] = [];
  // A fixed instant in the middle of an hour, so the window's edges cut two hours in part.
  const now = new Date(Math.floor(Date.now() / hour) * hour + 0.37 * hour);
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

  beforeAll(async () => {
    target = await createTestDatabase();
    const db = target.database.db;
    const app = createTestApp({
      database: target.database,
    });
    api = apiClient(app);
    spaceId = (
      await api.expect<any>(201, 'POST', '/api/spaces', { key: 'buckets', name: l('b', '桶') })
    ).space.id;
    for (const name of ['甲', '乙', '丙']) {
      const user = await db
        .insertInto('platform.users')
        .values({ email: `${name}-${spaceId}@example.cn`, display_name: name })
        .returning('id')
        .executeTakeFirstOrThrow();
      users.push(user.id);
      await db
        .insertInto('platform.space_members')
        .values({ space_id: spaceId, user_id: user.id, roles: ['rep'] })
        .execute();
    }
    await api.expect(200, 'PUT', '/api/spaces/buckets/definition/draft', definition);
    await api.expect(201, 'POST', '/api/spaces/buckets/definition/publish');
    context = await resolveTable(db, 'buckets', 'lead');

    // 36 leads over 36 days (some before the window), at varied hours, both window edges included.
    const provinces = ['浙江', '江苏', '上海', null];
    for (let i = 0; i < 36; i += 1) {
      const created = await api.expect<any>(
        201,
        'POST',
        '/api/spaces/buckets/tables/lead/records',
        {
          name: `l${i}`,
          owner: users[i % 3],
          ...(provinces[i % 4] && { province: provinces[i % 4] }),
          source: i % 3 === 0 ? 'expo' : 'web',
          need_grade: ['A', 'B', 'C'][i % 3],
          ...(i % 5 !== 0 && { amount: 50 * ((i * 7) % 11) }),
        },
      );
      ids.push(created.record.id);
    }
    const offsets = ids.map((_, i) => i * day + ((i * 5) % 24) * hour + (i % 7) * 97_000);
    offsets[3] = 30 * day - 0.2 * hour; // inside the window's first, partial hour
    offsets[4] = 30 * day + 0.2 * hour; // just before the window
    offsets[5] = 0.1 * hour; // this hour
    for (const [i, id] of ids.entries()) {
      await sql`update space_buckets.lead set created_at = ${ago(offsets[i]!)}::timestamptz,
        updated_at = ${ago(Math.max(0, offsets[i]! - 2 * day))}::timestamptz where id = ${id}::uuid`.execute(
        db,
      );
    }
    await postEvents(
      ids.flatMap((id, i) =>
        i % 4 === 3
          ? []
          : [
              {
                recordId: id,
                at: ago(Math.max(0, offsets[i]! - (1 + (i % 9) * 11) * hour)),
                role: '院长',
              },
              ...(i % 2 === 0
                ? [{ recordId: id, at: ago(Math.max(0, offsets[i]! - 80 * hour)), role: '采购' }]
                : []),
            ],
      ),
    );
    await labelBigDeals();
  }, 120_000);
  afterAll(() => target.drop());

  async function postEvents(events: Array<{ recordId: string; at: string; role: string }>) {
    await api.expect(200, 'POST', '/api/spaces/buckets/events', {
      events: events.map((e) => ({
        table: 'lead',
        recordId: e.recordId,
        type: 'follow_up',
        at: e.at,
        payload: { role: e.role },
      })),
    });
  }

  async function labelBigDeals() {
    await sql`insert into platform.metric_labels (space_id, label, table_key, record_id, matched, definition_hash)
      select ${spaceId}::uuid, 'big', 'lead', id, coalesce(amount >= 300, false), 'test' from space_buckets.lead
      on conflict (space_id, label, record_id) do update set matched = excluded.matched`.execute(
      target.database.db,
    );
  }

  const query = (m: object) => ({
    metric: m as MetricDefinition,
    context,
    now,
  });

  /** Both answers of every metric: from the pre-aggregates and from the records. */
  async function expectBucketsEqualRecords() {
    const db = target.database.db;
    for (const m of metrics) {
      const bucketed = await computeMetric(db, query(m));
      const live = await computeMetric(db, { ...query(m), preaggregate: false });
      expectSameResult(m.key, bucketed, live);
    }
  }

  function expectSameResult(key: string, a: MetricResult, b: MetricResult) {
    const close = (x: number | null, y: number | null, where: string) => {
      if (x === null || y === null) expect(x, where).toBe(y);
      else expect(x, where).toBeCloseTo(y, 9);
    };
    close(a.value, b.value, `${key} value`);
    expect(a.count, `${key} count`).toBe(b.count);
    expect(
      a.groups.map((g) => [g.key, g.count]),
      `${key} groups`,
    ).toEqual(b.groups.map((g) => [g.key, g.count]));
    a.groups.forEach((g, i) => close(g.value, b.groups[i]!.value, `${key} ${g.key.join('/')}`));
  }

  async function compactAll(): Promise<number> {
    let slots = 0;
    for (const m of metrics) {
      const spec = specOf(m);
      slots += await compactBuckets(target.database.db, query(m), spec);
    }
    return slots;
  }

  function specOf(m: (typeof metrics)[number]) {
    // The labels as computeMetric hashes them: the published ones of the metric's table.
    const labels = (context.definition.metricLabels ?? []).filter((x) => x.table === 'lead');
    const spec = bucketSpec(query(m), (m as MetricDefinition).groupBy ?? [], labels);
    if (!spec) throw new Error(`${m.key} is not pre-aggregated`);
    return spec;
  }

  /** A metric's stored buckets, normalised (value lists sorted, sums rounded). */
  async function storedBuckets(m: (typeof metrics)[number]) {
    const rows = await sql<any>`
      select to_char(slot, 'YYYY-MM-DD HH24') as slot, keys, n, nc, s, c, mn, mx, vals, vals2
      from platform.metric_buckets where space_id = ${spaceId}::uuid and hash = ${specOf(m).hash}
      order by slot, keys`.execute(target.database.db);
    const sorted = (values: number[] | null) =>
      values === null ? null : values.slice().sort((x, y) => x - y);
    return rows.rows.map((r) => ({
      ...r,
      s: r.s === null ? null : Number(Number(r.s).toFixed(6)),
      vals: sorted(r.vals),
      vals2: sorted(r.vals2),
    }));
  }

  it('pre-aggregates every kind it should, and leaves scoped or clock-reading queries live', () => {
    for (const m of metrics) expect(specOf(m).hash).toMatch(/^[0-9a-f]{32}$/);
    const counted = metrics[0] as MetricDefinition;
    expect(bucketSpec({ ...query(counted), scope: sql`true` }, [], [])).toBeNull();
    expect(
      bucketSpec({ ...query(counted), metric: { ...counted, time: undefined } }, [], []),
    ).toBeNull();
    expect(
      bucketSpec(
        { ...query(counted), metric: { ...counted, filter: 'record.created_at < now' } },
        [],
        [],
      ),
    ).toBeNull();
  });

  it('answers as the records do before any bucket exists and once they are built', async () => {
    await expectBucketsEqualRecords();
    // Reads build the buckets in the background; one more round finds nothing left to do.
    await settleCompactions();
    await compactAll();
    expect(await compactAll()).toBe(0);
    // Built and clean: every whole hour of the window (719 of 721) comes from the buckets.
    const db = target.database.db;
    const covered = await sql<{
      n: number;
    }>`select count(*)::int as n from platform.metric_bucket_slots
      where (slot at time zone 'UTC') > ${ago(30 * day)}::timestamptz
        and ((slot + interval '1 hour') at time zone 'UTC') <= ${now.toISOString()}::timestamptz`.execute(
      db,
    );
    expect(covered.rows[0]!.n).toBe(metrics.length * 719);
    const dirty = await sql<{
      n: number;
    }>`select count(*)::int as n from platform.metric_dirty_slots`.execute(db);
    expect(dirty.rows[0]!.n).toBe(0);
    await expectBucketsEqualRecords();
  });

  it('stays exact after creates, updates, deletes, backdating, events and labels', async () => {
    const db = target.database.db;
    const record = async (id: string) =>
      (await api.expect<any>(200, 'GET', `/api/spaces/buckets/tables/lead/records/${id}`)).record;
    // Creates (this hour), updates of old leads, a soft delete, a lead moved to another hour.
    for (let i = 0; i < 3; i += 1) {
      const created = await api.expect<any>(
        201,
        'POST',
        '/api/spaces/buckets/tables/lead/records',
        {
          name: `new${i}`,
          owner: users[i],
          province: '浙江',
          source: 'web',
          need_grade: 'A',
          amount: 500,
        },
      );
      ids.push(created.record.id);
    }
    for (const i of [7, 12, 20]) {
      const current = await record(ids[i]!);
      await api.expect(200, 'PATCH', `/api/spaces/buckets/tables/lead/records/${ids[i]}`, {
        version: current.version,
        source: current.source === 'web' ? 'expo' : 'web',
        need_grade: 'A',
        amount: 999,
      });
    }
    const gone = await record(ids[9]!);
    await api.expect(
      200,
      'DELETE',
      `/api/spaces/buckets/tables/lead/records/${ids[9]}?version=${gone.version}`,
    );
    await sql`update space_buckets.lead set created_at = created_at - interval '3 days 5 hours'
      where id = ${ids[14]}::uuid`.execute(db);
    await postEvents([
      { recordId: ids[3]!, at: ago(0.5 * hour), role: '财务处长' },
      { recordId: ids[11]!, at: ago(2 * hour), role: '院长' },
      { recordId: ids[25]!, at: ago(26 * day), role: '临床主任' },
    ]);
    await labelBigDeals();

    const marked = await sql<{
      n: number;
    }>`select count(distinct slot)::int as n from platform.metric_dirty_slots`.execute(db);
    expect(marked.rows[0]!.n).toBeGreaterThan(5);
    // However many writes touched an hour, it is marked once per pre-aggregate.
    const repeats = await sql<{ n: number }>`select coalesce(max(n), 0)::int as n from (
      select count(*) as n from platform.metric_dirty_slots group by space_id, hash, slot) m`.execute(
      db,
    );
    expect(repeats.rows[0]!.n).toBe(1);
    // Marked hours are answered live, the rest from the buckets: still the records' answer.
    await expectBucketsEqualRecords();

    // Compacted, the buckets equal a rebuild from scratch, and the answers still agree.
    await settleCompactions();
    await compactAll();
    const left = await sql<{
      n: number;
    }>`select count(*)::int as n from platform.metric_dirty_slots`.execute(db);
    expect(left.rows[0]!.n).toBe(0);
    for (const m of metrics) {
      const compacted = await storedBuckets(m);
      await sql`delete from platform.metric_bucket_slots where hash = ${specOf(m).hash}`.execute(
        db,
      );
      await sql`delete from platform.metric_buckets where hash = ${specOf(m).hash}`.execute(db);
      await compactBuckets(db, query(m), specOf(m));
      expect(await storedBuckets(m), m.key).toEqual(compacted);
    }
    await expectBucketsEqualRecords();
  });

  it('answers a published definition from its own buckets', async () => {
    const { definition: published } = await getPublished(target.database.db, spaceId);
    const leads = published.metrics!.find((m) => m.key === 'leads')!;
    const result = await computeMetric(target.database.db, { metric: leads, context, now });
    const live = await computeMetric(target.database.db, {
      metric: leads,
      context,
      now,
      preaggregate: false,
    });
    expectSameResult('leads', result, live);
    expect(result.count).toBeGreaterThan(20);
  });
});
