// The daily LAI recompute (A6): one set-based statement per LAI metric writes today's snapshot per
// owner (the overall figure is their sum), and the sandbox labels are re-applied to every record.
import { sql } from 'kysely';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import { laiWeights, resolveParams } from '../../runtime/metrics/formulas';
import type { MetricDefinition } from '../../runtime/metrics/metric-schema';
import type { Db } from '../db/database';
import { getPublished } from '../definitions/definition-store';
import { resolveTable } from '../records/table-context';
import { getSpaceOrThrow } from '../spaces/space-repository';
import { pushFirstAidKits, type FirstAidPush } from './first-aid-push';
import { backfillLabel } from './metric-sandbox';
import { baseQuery, toPgArray } from './metric-sql';

export interface LaiSnapshot {
  readonly metric: string;
  readonly day: string;
  readonly leads: number;
  readonly freshness: number | null;
  readonly actionDensity: number | null;
  readonly roleCoverage: number | null;
  readonly lai: number | null;
  readonly tookMs: number;
  /** The first-aid kits pushed to owners below the metric's `firstAidBelow` (A6). */
  readonly firstAid: FirstAidPush[];
}

/** The calendar day of an instant in Asia/Shanghai, as YYYY-MM-DD. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Recomputes every LAI metric of a space for today and relabels its sandbox labels.
 * @example await recomputeLai(db, 'meddev') // [{ metric: 'lai', leads: 1000000, lai: 61.2, tookMs: 9000 }]
 */
export async function recomputeLai(
  db: Db,
  spaceKey: string,
  now = new Date(),
): Promise<LaiSnapshot[]> {
  const space = await getSpaceOrThrow(db, spaceKey);
  const { definition } = await getPublished(db, space.id);
  const snapshots: LaiSnapshot[] = [];
  for (const metric of laiMetrics(definition)) {
    snapshots.push(await recomputeOne(db, spaceKey, metric, now));
  }
  for (const label of definition.metricLabels ?? []) {
    const context = await resolveTable(db, spaceKey, label.table);
    await backfillLabel(db, context, label.key, label.predicate, now);
  }
  return snapshots;
}

function laiMetrics(definition: AppDefinition): MetricDefinition[] {
  return (definition.metrics ?? []).filter(
    (m) => m.measure.kind === 'builtin' && m.measure.formula === 'lai',
  );
}

async function recomputeOne(
  db: Db,
  spaceKey: string,
  metric: MetricDefinition,
  now: Date,
): Promise<LaiSnapshot> {
  const started = performance.now();
  const context = await resolveTable(db, spaceKey, metric.table);
  const params = metric.measure.kind === 'builtin' ? metric.measure.params : undefined;
  const p = resolveParams(params);
  const at = now.toISOString();
  const day = shanghaiDay(now);
  // Events are aggregated once per record over the type index, then joined to the leads by hash.
  // Today's rows are replaced as a whole, so an owner with no lead left keeps no row for today.
  await db.transaction().execute(async (tx) => {
    await sql`delete from platform.lai_daily where space_id = ${context.space.id}::uuid
      and metric = ${metric.key}::text and day = ${day}::date`.execute(tx);
    await sql`
    with base as (${baseQuery({ metric, context, now, window: 'none' })}),
    ev as (
      select e.record_id,
        count(*) filter (where e.at > ${at}::timestamptz - make_interval(days => ${p.actionDays}::int)
          and e.at <= ${at}::timestamptz) as recent,
        count(distinct e.payload ->> ${p.roleKey}::text) as roles
      from platform.behaviour_events e
      where e.space_id = ${context.space.id}::uuid and e.table_key = ${context.table.key}::text
        and e.type = any(${toPgArray(p.actionTypes)}::text[])
      group by e.record_id)
    insert into platform.lai_daily (space_id, metric, day, owner, leads, fresh, dense, covered, computed_at)
    select ${context.space.id}::uuid, ${metric.key}::text, ${day}::date, b.owner, count(*),
      count(*) filter (where b.updated_at >= ${at}::timestamptz - make_interval(days => ${p.freshDays}::int)),
      count(*) filter (where coalesce(ev.recent, 0) >= ${p.minActions}::int),
      count(*) filter (where coalesce(ev.roles, 0) >= ${p.minRoles}::int),
      now()
    from base b left join ev on ev.record_id = b.id
    group by b.owner
    on conflict (space_id, metric, day, owner_key) do update
      set leads = excluded.leads, fresh = excluded.fresh, dense = excluded.dense,
          covered = excluded.covered, computed_at = excluded.computed_at`.execute(tx);
  });
  const totals = await sql<{ leads: number; fresh: number; dense: number; covered: number }>`
    select coalesce(sum(leads), 0)::int as leads, coalesce(sum(fresh), 0)::int as fresh,
      coalesce(sum(dense), 0)::int as dense, coalesce(sum(covered), 0)::int as covered
    from platform.lai_daily
    where space_id = ${context.space.id}::uuid and metric = ${metric.key}::text and day = ${day}::date`.execute(
    db,
  );
  const t = totals.rows[0] ?? { leads: 0, fresh: 0, dense: 0, covered: 0 };
  const n = Number(t.leads);
  const share = (v: number) => (n === 0 ? null : Number(v) / n);
  const freshness = share(t.fresh);
  const actionDensity = share(t.dense);
  const roleCoverage = share(t.covered);
  const firstAid =
    params?.firstAidBelow === undefined
      ? []
      : await pushFirstAidKits(db, {
          context,
          metric,
          params: p,
          day,
          now,
          below: params.firstAidBelow,
        });
  return {
    metric: metric.key,
    day,
    leads: n,
    freshness,
    actionDensity,
    roleCoverage,
    lai:
      n === 0
        ? null
        : 100 *
          (laiWeights.freshness * (freshness ?? 0) +
            laiWeights.actionDensity * (actionDensity ?? 0) +
            laiWeights.roleCoverage * (roleCoverage ?? 0)),
    tookMs: Math.round(performance.now() - started),
    firstAid,
  };
}
