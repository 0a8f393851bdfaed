// Pre-aggregated metrics: a windowed metric over records' creation time is answered from buckets
// (partial aggregates of each UTC hour's records per group) for the whole hours of its window that
// are computed and unmarked, plus the same partial aggregates computed live for every other hour of
// the window (the two partial hours at its edges, hours a write has marked, hours not computed
// yet) — in one statement, so both parts read one snapshot and the figure is exactly what the full
// computation gives. Writes mark the hours they touch in their own transaction (migration 0022's
// triggers); marked hours are recomputed after reads, under a lock, in the transaction that clears
// the marks.
import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { MetricDefinition } from '../../runtime/metrics/metric-schema';
import type { ResolvedParams } from '../../runtime/metrics/formulas';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import type { Db } from '../db/database';
import type { TableContext } from '../records/table-context';
import {
  averagedValueOf,
  baseQuery,
  celCondition,
  contributingCondition,
  dimensionsOf,
  factsJoins,
  healthStaticSql,
  windowOf,
  type BaseOptions,
} from './metric-sql';

type Kind = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'percentile' | 'health';

/** How a metric is pre-aggregated: its per-record value(s) and how partials combine. */
export interface BucketSpec {
  readonly hash: string;
  readonly kind: Kind;
  readonly p?: number;
  /** Per-record value over `b` and `ev` (none for counts). */
  readonly value?: RawBuilder<unknown>;
  /** The health score's last action time, per record. */
  readonly value2?: RawBuilder<unknown>;
  readonly counted?: RawBuilder<unknown>;
  readonly joins: RawBuilder<unknown>;
  readonly params: ResolvedParams;
  readonly groupBy: readonly string[];
  readonly window: { readonly from: Date; readonly to: Date };
}

const usesClock = (source: string | undefined) => source !== undefined && /\bnow\b/.test(source);

/**
 * The pre-aggregation of a metric query, or null when it must be computed live: a caller's row
 * scope, a window on another field than `created_at` or none, a filter reading the clock, or a
 * measure whose partials do not combine (distinct counts, LAI, audit-log formulas).
 */
export function bucketSpec(
  query: BaseOptions,
  groupBy: readonly string[],
  labels: unknown,
): BucketSpec | null {
  const { metric, context, now } = query;
  if (query.scope || query.within) return null;
  const window = windowOf(query);
  if (!window || (metric.time?.field ?? 'created_at') !== 'created_at') return null;
  if (usesClock(metric.filter)) return null;
  const measure = metric.measure;
  if (measure.kind === 'ratio' && usesClock(measure.numerator)) return null;
  const facts = factsJoins(context, measure, now);
  if (facts.ctes.length > 0) return null;
  const field = (key: string) => sql.raw(`b.${q(key)}::float8`);
  const counted = contributingCondition(measure, context, now);
  let spec: Pick<BucketSpec, 'kind' | 'p' | 'value' | 'value2'>;
  switch (measure.kind) {
    case 'count':
      spec = { kind: 'count' };
      break;
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
      spec = { kind: measure.kind, value: field(measure.field) };
      break;
    case 'median':
      spec = { kind: 'percentile', p: 0.5, value: field(measure.field) };
      break;
    case 'percentile':
      spec = { kind: 'percentile', p: measure.p, value: field(measure.field) };
      break;
    case 'ratio':
      spec = {
        kind: 'avg',
        value: sql`(case when ${celCondition(context, measure.numerator, 'b', now)} then 1.0 else 0.0 end)`,
      };
      break;
    case 'count_distinct':
      return null;
    case 'builtin': {
      const p = facts.params;
      switch (measure.formula) {
        case 'channel_effectiveness':
        case 'action_fullness':
        case 'response_within':
          // The same per-record expression the live aggregate averages.
          spec = { kind: 'avg', value: averagedValueOf(measure.formula, p) };
          break;
        case 'first_response_median':
          spec = {
            kind: 'percentile',
            p: 0.5,
            value: sql`(extract(epoch from ev.first_at - b.created_at) / 3600.0)::float8`,
          };
          break;
        case 'health_score':
          if (!facts.rolledUp) return null;
          spec = {
            kind: 'health',
            value: healthStaticSql(context, p),
            value2: sql`extract(epoch from ev.last_at)::float8`,
          };
          break;
        default:
          return null;
      }
      if (measure.formula !== 'channel_effectiveness' && !facts.rolledUp) return null;
      break;
    }
  }
  const hash = createHash('sha256')
    .update(
      JSON.stringify({
        v: 2,
        table: context.table.key,
        fields: context.table.fields,
        measure,
        filter: metric.filter ?? null,
        groupBy,
        labels,
      }),
    )
    .digest('hex')
    .slice(0, 32);
  return {
    ...spec,
    hash,
    counted,
    joins: facts.joins,
    params: facts.params,
    groupBy,
    window,
  };
}

/**
 * One row per counted record of `source` (alias `b`, joined to `ev`): its slot, group keys, values
 * and whether the measure counts it — each computed once, however many partials read it.
 */
function recordRows(
  context: TableContext,
  spec: BucketSpec,
  source: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`select date_trunc('hour', b.created_at at time zone 'UTC') as slot,
      ${keysOf(context, spec.groupBy)} as keys,
      ${spec.value ?? sql`null::float8`}::float8 as v,
      ${spec.value2 ?? sql`null::float8`}::float8 as v2,
      ${spec.counted ?? sql`true`} as k
    from ${source} b ${spec.joins}`;
}

/** The partial aggregates (the bucket columns) of record rows `x`. */
function partials(spec: BucketSpec): RawBuilder<unknown> {
  const vals =
    spec.kind === 'percentile'
      ? sql`array_agg(x.v) filter (where x.v is not null)`
      : sql`null::float8[]`;
  // Health: the clock-free parts are summed (s); only last-action times are kept, for freshness.
  const vals2 =
    spec.kind === 'health'
      ? sql`array_agg(x.v2) filter (where x.v2 is not null)`
      : sql`null::float8[]`;
  return sql`count(*)::bigint as n, count(*) filter (where x.k)::bigint as nc, sum(x.v) as s,
    count(x.v)::bigint as c, min(x.v) as mn, max(x.v) as mx, ${vals} as vals, ${vals2} as vals2`;
}

/** 0.3 × action timeliness from the last action's epoch seconds `l` (see healthFreshnessSql). */
function freshnessFromEpoch(at: Date, p: ResolvedParams): RawBuilder<unknown> {
  const now = at.getTime() / 1000;
  const fresh = now - p.freshDays * 86_400;
  const oldest = now - p.actionDays * 86_400;
  const span = (p.actionDays - p.freshDays) * 86_400;
  return sql`(0.3 * (case when u.l is null then 0.0 when u.l >= ${fresh}::float8 then 1.0
    when u.l > ${oldest}::float8 then (u.l - ${oldest}::float8) / ${span}::float8 else 0.0 end))`;
}

/** The UTC hours (slots) a window touches. */
function windowSlots(from: string, to: string): RawBuilder<unknown> {
  return sql`select s as slot from generate_series(
    date_trunc('hour', ${from}::timestamptz at time zone 'UTC'),
    date_trunc('hour', ${to}::timestamptz at time zone 'UTC'), interval '1 hour') s`;
}

function keysOf(context: TableContext, groupBy: readonly string[]): RawBuilder<unknown> {
  const dims = dimensionsOf(context, groupBy);
  return dims.length === 0
    ? sql`'{}'::text[]`
    : sql`array[${sql.join(dims.map((d) => d.expression))}]::text[]`;
}

/**
 * The metric's rows `g, d0…, value, n` (as the live statement gives them) from the buckets of the
 * window's clean whole slots (hours) and the live partials of every other slot.
 */
export async function bucketedRows(
  db: Db,
  query: BaseOptions,
  spec: BucketSpec,
): Promise<Record<string, unknown>[]> {
  const { context } = query;
  const dims = spec.groupBy.length;
  const space = context.space.id;
  const from = spec.window.from.toISOString();
  const to = spec.window.to.toISOString();
  const live = baseQuery({ ...query, within: sql`r.created_at >= g.lo and r.created_at < g.hi` });
  const total = (1 << dims) - 1;
  const grouped =
    dims === 0
      ? { g: sql`0`, keys: sql`null::text[]`, by: sql`` }
      : {
          g: sql`(case when grouping(keys) = 1 then ${sql.raw(String(total))} else 0 end)`,
          keys: sql`keys`,
          by: sql`group by grouping sets ((), (keys))`,
        };
  const spread =
    spec.kind === 'percentile'
      ? sql`percentile_cont(${spec.p}::float8) within group (order by u.v)`
      : spec.kind === 'health'
        ? sql`sum(${freshnessFromEpoch(query.now, spec.params)})::float8`
        : undefined;
  const unnest = spec.kind === 'health' ? sql`unnest(p.vals2) u(l)` : sql`unnest(p.vals) u(v)`;
  const value =
    spec.kind === 'health'
      ? sql`(100 * (t.s + coalesce(sp.value, 0)) / nullif(t.c, 0))`
      : spread
        ? sql`sp.value`
        : {
            count: sql`t.n::float8`,
            sum: sql`(case when t.c > 0 then t.s end)`,
            avg: sql`(t.s / nullif(t.c, 0))`,
            min: sql`t.mn`,
            max: sql`t.mx`,
          }[spec.kind as 'count' | 'sum' | 'avg' | 'min' | 'max'];
  const statement = sql<Record<string, unknown>>`
    with slots as (${windowSlots(from, to)}),
    clean as (
      select c.slot from platform.metric_bucket_slots c join slots using (slot)
      where c.space_id = ${space}::uuid and c.hash = ${spec.hash}
        and (c.slot at time zone 'UTC') > ${from}::timestamptz
        and ((c.slot + interval '1 hour') at time zone 'UTC') <= ${to}::timestamptz
        and not exists (select 1 from platform.metric_dirty_slots m
          where m.space_id = ${space}::uuid and m.hash = ${spec.hash} and m.slot = c.slot)),
    -- offset 0 keeps the lateral subquery a per-slot index range scan instead of a join filter.
    ranges as (
      select (slot at time zone 'UTC') as lo, ((slot + interval '1 hour') at time zone 'UTC') as hi
      from slots where slot not in (select slot from clean)),
    live as (select x.* from ranges g cross join lateral (${live} offset 0) x),
    parts as (
      select keys, n, nc, s, c, mn, mx, vals, vals2 from platform.metric_buckets
      where space_id = ${space}::uuid and hash = ${spec.hash} and slot in (select slot from clean)
      union all
      select x.keys, ${partials(spec)} from (${recordRows(context, spec, sql`live`)}) x
      group by x.keys),
    totals as (
      select ${grouped.g} as g, ${grouped.keys} as keys, sum(n) as n, sum(nc) as nc, sum(s) as s,
        sum(c) as c, min(mn) as mn, max(mx) as mx
      from parts ${grouped.by})
    ${
      spread
        ? // Per group, only that group's values are unnested and ordered (no sort over all keys).
          sql`, spread as (
            select ${sql.raw(String(total))} as g, null::text[] as keys,
              (select ${spread} from parts p, ${unnest}) as value
            ${
              dims === 0
                ? sql``
                : sql`union all
            select 0, k.keys, (select ${spread} from parts p, ${unnest} where p.keys = k.keys)
            from (select distinct keys from parts) k`
            })`
        : sql``
    }
    select t.g, ${sql.join([
      ...Array.from(
        { length: dims },
        (_, i) => sql`t.keys[${sql.raw(String(i + 1))}] as ${sql.raw(`d${i}`)}`,
      ),
      sql`${value} as value`,
      sql`t.nc::int as n`,
      sql`(select count(*) from ranges)::int as live_slots`,
    ])}
    from totals t
    ${spread ? sql`left join spread sp on sp.g = t.g and sp.keys is not distinct from t.keys` : sql``}`;
  const rows = spread
    ? // Medians and health scores read every value of the window: sort them in memory.
      await db.transaction().execute(async (tx) => {
        await sql`set local work_mem = '64MB'`.execute(tx);
        return (await statement.execute(tx)).rows;
      })
    : (await statement.execute(db)).rows;
  // Beyond the two hours the window's edges cut, hours were answered live: bring them up to date,
  // soon when there are many, else within half a minute (a day's new leads are about 24 hours).
  const liveSlots = Number(rows[0]?.live_slots ?? 0);
  if (liveSlots > 2) compactSoon(db, query, spec, liveSlots > 26 ? 250 : 30_000);
  return rows;
}

const registered = new WeakMap<Db, Set<string>>();
const compacting = new Map<string, Compaction>();

/**
 * Makes writes to the metric's table, its events and labels mark the hours they touch for this
 * pre-aggregate. Taken once per definition: locks the tables against writers for a moment, so no
 * write in flight can miss its mark. Answers false when the locks were not granted quickly (a
 * writer holding one table and waiting for another could otherwise deadlock with it): the caller
 * computes live and a later read registers.
 */
export async function ensureRegistered(
  db: Db,
  context: TableContext,
  metric: MetricDefinition,
  spec: BucketSpec,
): Promise<boolean> {
  const known = registered.get(db) ?? new Set<string>();
  registered.set(db, known);
  const key = `${context.space.id}|${spec.hash}`;
  if (known.has(key)) return true;
  try {
    await register(db, context, metric, spec);
  } catch (error) {
    // 55P03: lock_not_available
    if ((error as { code?: string }).code === '55P03') return false;
    throw error;
  }
  known.add(key);
  return true;
}

async function register(
  db: Db,
  context: TableContext,
  metric: MetricDefinition,
  spec: BucketSpec,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`metric-buckets:${context.space.id}:${context.table.key}`}))`.execute(
      tx,
    );
    await sql`set local lock_timeout = '300ms'`.execute(tx);
    const exists = await sql`select 1 from platform.metric_preaggregates
      where space_id = ${context.space.id}::uuid and hash = ${spec.hash}`.execute(tx);
    if (exists.rows.length > 0) return;
    await sql`lock table ${sql.raw(context.ref)} in share row exclusive mode`.execute(tx);
    await sql`lock table platform.behaviour_events, platform.metric_labels in share mode`.execute(
      tx,
    );
    const args = sql.raw(`'${context.space.id}', '${context.table.key.replaceAll("'", "''")}'`);
    for (const [event, transition] of [
      ['insert', 'new table as new_rows'],
      ['update', 'old table as old_rows new table as new_rows'],
      ['delete', 'old table as old_rows'],
    ] as const) {
      await sql`create or replace trigger ${sql.raw(`metric_days_${event}`)} after ${sql.raw(event)}
        on ${sql.raw(context.ref)} referencing ${sql.raw(transition)} for each statement
        execute function platform.metric_rows_changed(${args})`.execute(tx);
    }
    // Earlier definitions of the same metric and group-by are superseded.
    const groupBy = spec.groupBy.join(',');
    const stale = await sql<{ hash: string }>`
      delete from platform.metric_preaggregates
      where space_id = ${context.space.id}::uuid and metric_key = ${metric.key} and group_by = ${groupBy}
      returning hash`.execute(tx);
    for (const table of ['metric_buckets', 'metric_bucket_slots', 'metric_dirty_slots']) {
      await sql`delete from ${sql.raw(`platform.${table}`)} where space_id = ${context.space.id}::uuid
        and hash = any(${stale.rows.map((r) => r.hash)}::text[])`.execute(tx);
    }
    await sql`insert into platform.metric_preaggregates (space_id, hash, table_key, metric_key, group_by)
      values (${context.space.id}::uuid, ${spec.hash}, ${context.table.key}, ${metric.key}, ${groupBy})`.execute(
      tx,
    );
  });
}

/** Most slots one compaction recomputes (about two months of hours). */
const maxSlotsPerCompaction = 1_500;

/**
 * Recomputes the buckets of the window's whole slots that are not computed yet or that writes have
 * marked, and clears those marks, in one transaction under a lock per pre-aggregate (so a slower
 * compaction can never overwrite a newer one). Answers how many slots it computed.
 */
export async function compactBuckets(
  db: Db,
  query: BaseOptions,
  spec: BucketSpec,
): Promise<number> {
  const { context } = query;
  const space = context.space.id;
  const from = spec.window.from.toISOString();
  const to = spec.window.to.toISOString();
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`metric-compact:${space}:${spec.hash}`}))`.execute(
      tx,
    );
    // Marks written by transactions still running are not seen, so they stay for the next round.
    const marked = await sql<{ slot: string }>`
      delete from platform.metric_dirty_slots where space_id = ${space}::uuid and hash = ${spec.hash}
      returning to_char(slot, 'YYYY-MM-DD HH24:00:00') as slot`.execute(tx);
    const markedSlots = [...new Set(marked.rows.map((r) => r.slot))];
    // Marked slots outside the window are dropped rather than recomputed; a later window that
    // reaches them computes them again.
    const wanted = await sql<{ slot: string; inside: boolean }>`
      with slots as (
        select slot from (${windowSlots(from, to)}) w
        where (slot at time zone 'UTC') > ${from}::timestamptz
          and ((slot + interval '1 hour') at time zone 'UTC') <= ${to}::timestamptz),
      covered as (select slot from platform.metric_bucket_slots
        where space_id = ${space}::uuid and hash = ${spec.hash})
      select to_char(slot, 'YYYY-MM-DD HH24:00:00') as slot, true as inside from slots
        where slot not in (select slot from covered) or slot = any(${markedSlots}::timestamp[])
      union
      select to_char(slot, 'YYYY-MM-DD HH24:00:00'), false from covered
        where slot = any(${markedSlots}::timestamp[]) and slot not in (select slot from slots)`.execute(
      tx,
    );
    const inside = wanted.rows
      .filter((r) => r.inside)
      .map((r) => r.slot)
      .sort()
      .slice(0, maxSlotsPerCompaction);
    const outside = wanted.rows.filter((r) => !r.inside).map((r) => r.slot);
    const drop = [...inside, ...outside];
    if (drop.length === 0) return 0;
    for (const table of ['metric_buckets', 'metric_bucket_slots']) {
      await sql`delete from ${sql.raw(`platform.${table}`)} where space_id = ${space}::uuid
        and hash = ${spec.hash} and slot = any(${drop}::timestamp[])`.execute(tx);
    }
    if (inside.length === 0) return 0;
    const lo = `${inside[0]}Z`;
    const hi = new Date(
      Date.parse(`${inside.at(-1)!.replace(' ', 'T')}Z`) + 3_600_000,
    ).toISOString();
    const base = baseQuery({
      ...query,
      window: 'none',
      within: sql`r.created_at >= ${lo}::timestamptz and r.created_at < ${hi}::timestamptz
        and date_trunc('hour', r.created_at at time zone 'UTC') = any(${inside}::timestamp[])`,
    });
    await sql`insert into platform.metric_buckets
        (space_id, hash, slot, keys, n, nc, s, c, mn, mx, vals, vals2)
      select ${space}::uuid, ${spec.hash}, x.slot, x.keys, ${partials(spec)}
      from (${recordRows(context, spec, sql`(${base})`)}) x
      group by x.slot, x.keys`.execute(tx);
    await sql`insert into platform.metric_bucket_slots (space_id, hash, slot)
      select ${space}::uuid, ${spec.hash}, s from unnest(${inside}::timestamp[]) s`.execute(tx);
    return inside.length;
  });
}

/**
 * Compacts in the background after `delayMs` (one at a time per pre-aggregate; a sooner request
 * replaces a later one that has not started); reads stay exact meanwhile. Failures are left for
 * the next read to retry. Reads call it when they computed hours live.
 */
export function compactSoon(db: Db, query: BaseOptions, spec: BucketSpec, delayMs = 250): void {
  const key = `${query.context.space.id}|${spec.hash}`;
  const at = Date.now() + delayMs;
  const pending = compacting.get(key);
  if (pending && (pending.started || pending.at <= at)) return;
  let finish = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const entry: Compaction = {
    at,
    started: false,
    done,
    start() {
      if (entry.started) return;
      entry.started = true;
      clearTimeout(timer);
      void compactBuckets(db, query, spec)
        .catch(() => 0)
        .finally(() => {
          if (compacting.get(key) === entry) compacting.delete(key);
          finish();
        });
    },
  };
  const timer = setTimeout(() => entry.start(), delayMs);
  timer.unref();
  if (pending) {
    // Replaced before it started: whoever waits for it waits for this one.
    pending.started = true;
    pending.start = entry.start;
    void done.then(() => pending.finish?.());
  }
  entry.finish = finish;
  compacting.set(key, entry);
}

interface Compaction {
  readonly at: number;
  started: boolean;
  readonly done: Promise<void>;
  start(): void;
  finish?: () => void;
}

/** Starts the compactions waiting for their delay and resolves when all have finished. */
export async function settleCompactions(): Promise<void> {
  const waiting = [...compacting.values()];
  for (const entry of waiting) entry.start();
  await Promise.all(waiting.map((e) => e.done));
}
