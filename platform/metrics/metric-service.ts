// Computes a metric's value and groups in one statement (GROUPING SETS: the total and every group
// from the same rows, so they always agree), and the exact record set behind any of its numbers.
import { sql, type RawBuilder } from 'kysely';
import type { MetricDefinition } from '../../runtime/metrics/metric-schema';
import { splitBonus } from '../../runtime/metrics/bonus-split';
import { isLaiSnapshot } from '../../runtime/metrics/validate-metrics';
import type { Db } from '../db/database';
import { NotFoundError } from '../errors';
import type { TableContext } from '../records/table-context';
import { bucketSpec, bucketedRows, ensureRegistered } from './metric-buckets';
import {
  aggregateOf,
  baseQuery,
  contributingCondition,
  dimensionsOf,
  factsJoins,
  MetricQueryError,
  type Dimension,
  celCondition,
  toPgArray,
  windowOf,
  type BaseOptions,
} from './metric-sql';

export interface MetricGroup {
  readonly key: (string | null)[];
  /** Display names for user dimensions (owner), else null. */
  readonly label: (string | null)[] | null;
  readonly value: number | null;
  readonly count: number;
  /** Contribution shares with a bonus field: the person's part of a closed deal's bonus (B5). */
  readonly amount?: number | null;
}

export interface MetricResult {
  readonly metric: string;
  readonly unit: string | null;
  readonly window: { readonly from: string; readonly to: string } | null;
  readonly groupBy: string[];
  readonly value: number | null;
  readonly count: number;
  readonly groups: MetricGroup[];
  readonly computedAt: string;
}

export interface MetricQuery extends BaseOptions {
  /** Replaces the metric's group-by. */
  readonly groupBy?: readonly string[];
  /** false: compute from the records even where day buckets could answer (tests compare both). */
  readonly preaggregate?: boolean;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The metric's value overall and per group.
 * @example await computeMetric(db, { metric, context, now: new Date(), groupBy: ['owner'] })
 */
export async function computeMetric(db: Db, query: MetricQuery): Promise<MetricResult> {
  const { metric, context, now } = query;
  const groupBy = [...(query.groupBy ?? metric.groupBy ?? [])];
  const window = windowOf(query);
  const head = {
    metric: metric.key,
    unit: metric.unit ?? null,
    window: window ? { from: window.from.toISOString(), to: window.to.toISOString() } : null,
    computedAt: now.toISOString(),
  };
  if (metric.measure.kind === 'builtin' && metric.measure.formula === 'contribution_share') {
    return { ...head, groupBy: ['record', 'actor'], ...(await contributionShares(db, query)) };
  }
  if (isLaiSnapshot(metric))
    return { ...head, groupBy, ...(await laiSnapshots(db, query, groupBy)) };
  const dims = dimensionsOf(context, groupBy);
  const spec =
    query.preaggregate === false
      ? null
      : bucketSpec(
          query,
          groupBy,
          (context.definition.metricLabels ?? []).filter((l) => l.table === context.table.key),
        );
  let rows: Record<string, unknown>[];
  if (spec && (await ensureRegistered(db, context, metric, spec))) {
    rows = await bucketedRows(db, query, spec);
  } else rows = await liveRows(db, query, groupBy);
  return resultOf(db, head, groupBy, dims, rows);
}

/** The metric computed from its records: one statement, total and groups from the same rows. */
async function liveRows(
  db: Db,
  query: MetricQuery,
  groupBy: readonly string[],
): Promise<Record<string, unknown>[]> {
  const { metric, context, now } = query;
  const dims = dimensionsOf(context, groupBy);
  const { ctes, joins, params } = factsJoins(context, metric.measure, now);
  const aggregate = aggregateOf(context, metric.measure, now, params);
  const counted = contributingCondition(metric.measure, context, now);
  const count = counted ? sql`count(*) filter (where ${counted})::int` : sql`count(*)::int`;
  const dimList = dims.map((d, i) => sql`${d.expression} as ${sql.raw(`d${i}`)}`);
  const grouping =
    dims.length === 0 ? sql`0` : sql`grouping(${sql.join(dims.map((d) => d.expression))})`;
  const groupClause =
    dims.length === 0
      ? sql``
      : sql`group by grouping sets ((), (${sql.join(dims.map((d) => d.expression))}))`;
  const withs = sql.join([sql`base as (${baseQuery(query)})`, ...ctes], sql`, `);
  const result = await sql<Record<string, unknown>>`
    with ${withs}
    select ${grouping} as g, ${sql.join([...dimList, sql`${aggregate} as value`, sql`${count} as n`])}
    from base b ${joins}
    ${groupClause}`.execute(db);
  return result.rows;
}

async function resultOf(
  db: Db,
  head: Pick<MetricResult, 'metric' | 'unit' | 'window' | 'computedAt'>,
  groupBy: string[],
  dims: readonly Dimension[],
  rows: readonly Record<string, unknown>[],
): Promise<MetricResult> {
  const result = { rows };
  const total = result.rows.find(
    (r) => Number(r.g) === (1 << dims.length) - 1 || dims.length === 0,
  );
  const groupRows = dims.length === 0 ? [] : result.rows.filter((r) => Number(r.g) === 0);
  const users = await userNames(
    db,
    groupRows.flatMap((r) =>
      dims.flatMap((d, i) => (d.user && r[`d${i}`] ? [String(r[`d${i}`])] : [])),
    ),
  );
  const groups = groupRows
    .map((r) => {
      const key = dims.map((_, i) => (r[`d${i}`] === null ? null : String(r[`d${i}`])));
      const label = dims.some((d) => d.user)
        ? key.map((k, i) => (dims[i]?.user && k ? (users.get(k) ?? null) : k))
        : null;
      return { key, label, value: num(r.value), count: Number(r.n) };
    })
    .sort((a, b) => compareKeys(a.key, b.key));
  return {
    ...head,
    groupBy,
    value: num(total?.value ?? null),
    count: Number(total?.n ?? 0),
    groups,
  };
}

function compareKeys(a: (string | null)[], b: (string | null)[]): number {
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

async function userNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('platform.users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

async function contributionShares(db: Db, query: MetricQuery) {
  const { context, metric } = query;
  const measure = metric.measure;
  const { params } = factsJoins(context, { kind: 'builtin', formula: 'stage_dwell' }, query.now);
  const own = measure.kind === 'builtin' ? measure.params : undefined;
  const credits = own?.credits ?? params.credits;
  const actorKey = own?.actorKey || 'actor';
  const result = await sql<{ record_id: string; actor: string; points: number; share: number }>`
    with base as (${baseQuery(query)}),
    cp as (
      select e.record_id, e.payload ->> ${actorKey}::text as actor, sum(c.value::float8) as points
      from platform.behaviour_events e
      join jsonb_each_text(${JSON.stringify(credits)}::text::jsonb) c on c.key = e.type
      where e.space_id = ${context.space.id}::uuid and e.table_key = ${context.table.key}::text
        and e.payload ->> ${actorKey}::text is not null
        and e.record_id in (select id from base)
      group by 1, 2)
    select record_id::text as record_id, actor, points,
      points / nullif(sum(points) over (partition by record_id), 0) as share
    from cp order by record_id, actor`.execute(db);
  const users = await userNames(
    db,
    result.rows.map((r) => r.actor).filter((a) => /^[0-9a-f-]{36}$/.test(a)),
  );
  const amounts = await closedBonusSplits(db, query, result.rows);
  const total = result.rows.reduce((s, r) => s + Number(r.points), 0);
  return {
    value: result.rows.length === 0 ? null : total,
    count: new Set(result.rows.map((r) => r.record_id)).size,
    groups: result.rows.map((r) => ({
      key: [r.record_id, r.actor],
      label: [r.record_id, users.get(r.actor) ?? r.actor],
      value: num(r.share),
      count: Number(r.points),
      ...(amounts ? { amount: amounts.get(`${r.record_id}/${r.actor}`) ?? null } : {}),
    })),
  };
}

/**
 * B5: for deals in one of the metric's `closedStages` with a bonus in `bonusField`, each person's
 * part of the bonus by their share of the points (to the cent); null when the metric splits none.
 */
async function closedBonusSplits(
  db: Db,
  query: MetricQuery,
  rows: ReadonlyArray<{ record_id: string; actor: string; points: number }>,
): Promise<Map<string, number> | null> {
  const { context, metric } = query;
  const own = metric.measure.kind === 'builtin' ? metric.measure.params : undefined;
  if (!own?.bonusField || !own.closedStages) return null;
  const split = new Map<string, number>();
  const ids = [...new Set(rows.map((r) => r.record_id))];
  if (ids.length === 0) return split;
  const deals = await sql<{ id: string; bonus: number | null }>`
    select id::text as id, ${sql.ref(own.bonusField)}::float8 as bonus
    from ${sql.raw(context.ref)}
    where id = any(${ids}::uuid[]) and deleted_at is null
      and stage = any(${toPgArray(own.closedStages)}::text[])`.execute(db);
  for (const deal of deals.rows) {
    if (deal.bonus === null) continue;
    const credits = rows
      .filter((r) => r.record_id === deal.id)
      .map((r) => ({ actor: r.actor, points: Number(r.points) }));
    for (const part of splitBonus(credits, Number(deal.bonus)))
      split.set(`${deal.id}/${part.actor}`, part.amount);
  }
  return split;
}

/**
 * LAI from the daily snapshots (A6 defines LAI as a daily figure): the latest day overall or per
 * owner, or one value per day (a trend) within the window (30 days by default).
 */
async function laiSnapshots(db: Db, query: MetricQuery, groupBy: readonly string[]) {
  const { context, metric, now } = query;
  const value = sql`(100 * (0.4 * sum(fresh) + 0.35 * sum(dense) + 0.25 * sum(covered)) / nullif(sum(leads), 0))::float8`;
  // Snapshots are per owner: a viewer with a row scope sees the owners of the records it reads
  // (exact for own and team scopes: those owners' leads are all in scope; the pool stays hidden).
  const owners = query.scope
    ? sql` and owner in (select owner from ${sql.raw(context.ref)}
        where deleted_at is null and owner is not null and (${query.scope}))`
    : sql``;
  const where = sql`space_id = ${context.space.id}::uuid and metric = ${metric.key}::text${owners}`;
  const latest = sql`(select max(day) from platform.lai_daily where ${where})`;
  const [dim] = groupBy;
  if (dim === 'day') {
    const since = windowOf({ ...query, window: query.window ?? 'P30D' })?.from ?? new Date(0);
    const rows = await sql<{ k: string; value: number | null; n: number }>`
      select to_char(day, 'YYYY-MM-DD') as k, ${value} as value, sum(leads)::int as n
      from platform.lai_daily where ${where} and day > ${since.toISOString()}::timestamptz::date
      group by day order by day`.execute(db);
    const last = rows.rows.at(-1);
    return {
      value: num(last?.value ?? null),
      count: Number(last?.n ?? 0),
      groups: rows.rows.map((r) => ({
        key: [r.k],
        label: null,
        value: num(r.value),
        count: Number(r.n),
      })),
    };
  }
  const total = await sql<{ value: number | null; n: number | null }>`
    select ${value} as value, sum(leads)::int as n from platform.lai_daily where ${where} and day = ${latest}`.execute(
    db,
  );
  let groups: MetricGroup[] = [];
  if (dim === 'owner') {
    const rows = await sql<{ owner: string | null; value: number | null; n: number }>`
      select owner::text as owner, ${value} as value, sum(leads)::int as n from platform.lai_daily
      where ${where} and day = ${latest} group by owner`.execute(db);
    const users = await userNames(
      db,
      rows.rows.flatMap((r) => (r.owner ? [r.owner] : [])),
    );
    groups = rows.rows
      .map((r) => ({
        key: [r.owner],
        label: [r.owner ? (users.get(r.owner) ?? r.owner) : null],
        value: num(r.value),
        count: Number(r.n),
      }))
      .sort((a, b) => compareKeys(a.key, b.key));
  }
  void now;
  return { value: num(total.rows[0]?.value ?? null), count: Number(total.rows[0]?.n ?? 0), groups };
}

export interface DrillQuery extends MetricQuery {
  /** The group's key, one entry per group-by dimension; absent for the overall number. */
  readonly group?: readonly (string | null)[];
  /** For a ratio: only the records of its numerator. */
  readonly part?: 'all' | 'numerator';
}

/**
 * A condition over a table's unqualified `id` selecting exactly the records behind a number:
 * the metric's base set, the group's key, and the rows its measure counted.
 * @example listRecords(db, context, { limit: 50, scope: drillCondition({ metric, context, now, group: ['浙江'] }) })
 */
export function drillCondition(query: DrillQuery): RawBuilder<unknown> {
  const { metric, context, now } = query;
  const measure = metric.measure;
  const withs = [sql`base as (${baseQuery(query)})`];
  if (measure.kind === 'builtin' && measure.formula === 'contribution_share') {
    const [recordId, actor] = query.group ?? [];
    const conditions: RawBuilder<unknown>[] = [sql`true`];
    if (recordId) conditions.push(sql`b.id::text = ${recordId}::text`);
    if (actor) {
      conditions.push(sql`exists (select 1 from platform.behaviour_events e
        where e.space_id = ${context.space.id}::uuid and e.table_key = ${context.table.key}::text
          and e.record_id = b.id and e.payload ->> 'actor' = ${actor}::text)`);
    }
    return sql`id in (with ${sql.join(withs, sql`, `)} select b.id from base b where ${sql.join(conditions, sql` and `)})`;
  }
  const groupBy = query.groupBy ?? metric.groupBy ?? [];
  const dims = dimensionsOf(context, groupBy);
  const group = query.group ?? [];
  if (group.length > 0 && group.length !== dims.length) {
    throw new MetricQueryError(
      `group has ${group.length} values but the metric groups by ${dims.length} (${groupBy.join(', ') || 'nothing'})`,
    );
  }
  const { ctes, joins } = factsJoins(context, measure, now);
  const conditions: RawBuilder<unknown>[] = [sql`true`];
  group.forEach((value, i) => {
    conditions.push(sql`${dims[i]!.expression} is not distinct from ${value}::text`);
  });
  const counted = contributingCondition(measure, context, now);
  if (counted) conditions.push(counted);
  if (query.part === 'numerator') {
    if (measure.kind !== 'ratio') throw new MetricQueryError('part=numerator needs a ratio metric');
    conditions.push(celCondition(context, measure.numerator, 'b', now));
  }
  return sql`id in (with ${sql.join([...withs, ...ctes], sql`, `)}
    select b.id from base b ${joins} where ${sql.join(conditions, sql` and `)})`;
}

/** How many records a drill-down holds. */
export async function countDrill(
  db: Db,
  context: TableContext,
  condition: RawBuilder<unknown>,
): Promise<number> {
  const row = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.raw(context.ref)} where deleted_at is null and ${condition}`.execute(
    db,
  );
  return Number(row.rows[0]?.n ?? 0);
}

/** The published metric `key` or a 404. */
export function metricOrThrow(
  definition: { metrics?: MetricDefinition[] },
  key: string,
): MetricDefinition {
  const metric = definition.metrics?.find((m) => m.key === key);
  if (!metric) throw new NotFoundError('metric', key);
  return metric;
}
