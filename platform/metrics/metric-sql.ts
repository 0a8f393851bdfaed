// The SQL pieces of a metric: the filtered record set (`base`), group dimensions, per-record facts
// from recorded events and the audit log, and each measure's aggregate. Identifiers are quoted,
// values bound.
import { sql, type RawBuilder } from 'kysely';
import { celToSql, type SqlPart } from '../../runtime/metrics/cel-to-sql';
import { resolveParams, type ResolvedParams } from '../../runtime/metrics/formulas';
import { isTemporal, metricFields, recordResolver } from '../../runtime/metrics/metric-columns';
import type { Measure, MetricDefinition } from '../../runtime/metrics/metric-schema';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import { storageOf } from '../../runtime/definition/field-storage';
import { durationMs, parseIsoDuration } from '../../runtime/time/iso-duration';
import { BatonError } from '../errors';
import type { TableContext } from '../records/table-context';

/** Time buckets are taken on the Asia/Shanghai calendar (weeks start on Monday). */
export const bucketTimeZone = 'Asia/Shanghai';

/** A metric that cannot be computed as asked (400), e.g. a group-by naming no field. */
export class MetricQueryError extends BatonError {
  constructor(message: string, details?: unknown) {
    super('METRIC_QUERY_INVALID', 400, message, details);
  }
}

/** Renders compiled CEL parts as a kysely fragment (values stay parameters). */
export function partsToSql(parts: readonly SqlPart[]): RawBuilder<unknown> {
  return sql.join(
    parts.map((p) =>
      typeof p === 'string'
        ? sql.raw(p)
        : p.cast
          ? sql`${p.value}::${sql.raw(p.cast)}`
          : sql`${p.value}`,
    ),
    sql``,
  );
}

/** A CEL condition over `alias`'s record, labels looked up in the sandbox labels. */
export function celCondition(
  context: TableContext,
  source: string,
  alias: string,
  now: Date,
): RawBuilder<unknown> {
  const resolve = recordResolver(context.table, alias, (key) => ({
    parts: [
      'exists (select 1 from platform.metric_labels ml where ml.space_id = ',
      { value: context.space.id, cast: 'uuid' },
      ' and ml.label = ',
      { value: key, cast: 'text' },
      ` and ml.record_id = ${alias}.id and ml.matched)`,
    ],
    kind: 'bool',
  }));
  const compiled = celToSql(source, resolve, now.toISOString());
  if (!compiled.ok) throw new MetricQueryError(`filter "${source}": ${compiled.message}`);
  return partsToSql(compiled.value.parts);
}

export interface BaseOptions {
  readonly metric: MetricDefinition;
  readonly context: TableContext;
  readonly now: Date;
  /** ISO 8601 duration replacing the metric's own window; 'none' removes it. */
  readonly window?: string;
  /** The caller's row scope (platform/permissions), over unqualified columns. */
  readonly scope?: RawBuilder<unknown>;
  /** A further condition over alias `r` (pre-aggregation: the records of some hours). */
  readonly within?: RawBuilder<unknown>;
}

/** The window in force: from/to instants, or null for all time. */
export function windowOf(options: BaseOptions): { from: Date; to: Date } | null {
  const text = options.window ?? options.metric.time?.window;
  if (!text || text === 'none') return null;
  const parsed = parseIsoDuration(text);
  if (!parsed.ok) throw new MetricQueryError(`window: ${parsed.message}`);
  return { from: new Date(options.now.getTime() - durationMs(parsed.value)), to: options.now };
}

/** `select r.* from <table> r where …`: the records a metric counts, as the caller may see them. */
export function baseQuery(options: BaseOptions): RawBuilder<unknown> {
  const { metric, context, now } = options;
  const where: RawBuilder<unknown>[] = [sql`r.deleted_at is null`];
  if (options.scope) {
    // The scope names columns unqualified; inside its own select they can only mean this table.
    where.push(sql`r.id in (select id from ${sql.raw(context.ref)} where ${options.scope})`);
  }
  if (metric.filter) where.push(celCondition(context, metric.filter, 'r', now));
  if (options.within) where.push(options.within);
  const window = windowOf(options);
  if (window) {
    const column = sql.raw(`r.${q(metric.time?.field ?? 'created_at')}`);
    where.push(sql`${column} > ${window.from.toISOString()}::timestamptz`);
    where.push(sql`${column} <= ${window.to.toISOString()}::timestamptz`);
  }
  return sql`select r.* from ${sql.raw(context.ref)} r where ${sql.join(where, sql` and `)}`;
}

export interface Dimension {
  readonly key: string;
  /** SQL over alias `b`, giving text. */
  readonly expression: RawBuilder<unknown>;
  /** Whether the values are user ids (labelled with display names). */
  readonly user: boolean;
}

/** The group dimensions; throws a 400 naming an unknown field. */
export function dimensionsOf(context: TableContext, groupBy: readonly string[]): Dimension[] {
  const fields = new Map(metricFields(context.table).map((f) => [f.key, f]));
  return groupBy.map((key) => {
    const [name = '', bucket] = key.split(':');
    const field = fields.get(name);
    if (!field)
      throw new MetricQueryError(`groupBy: no field "${name}" in table "${context.table.key}"`);
    const column = `b.${q(name)}`;
    if (bucket) {
      if (!isTemporal(field)) throw new MetricQueryError(`groupBy: "${name}" has no ${bucket}`);
      const local =
        storageOf(field) === 'date' ? column : `(${column} at time zone '${bucketTimeZone}')`;
      return {
        key,
        expression: sql.raw(`to_char(date_trunc('${bucket}', ${local}), 'YYYY-MM-DD')`),
        user: false,
      };
    }
    const storage = storageOf(field);
    const expression =
      storage === 'text[]' || storage === 'uuid[]'
        ? `array_to_string(${column}, ',')`
        : storage === 'timestamptz'
          ? `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
          : `${column}::text`;
    return {
      key,
      expression: sql.raw(expression),
      user: storage === 'uuid' && field.type === 'user',
    };
  });
}

/** Per-record facts of the built-ins, joined to `b` as `ev` (events) and `au` (audit actors). */
export function factsJoins(
  context: TableContext,
  measure: Measure,
  now: Date,
): {
  ctes: RawBuilder<unknown>[];
  joins: RawBuilder<unknown>;
  params: ResolvedParams;
  /** Whether `ev` is the per-record rollup rather than the raw events. */
  rolledUp?: boolean;
} {
  const p = resolveParams(measure.kind === 'builtin' ? measure.params : undefined);
  const ctes: RawBuilder<unknown>[] = [];
  const joins: RawBuilder<unknown>[] = [];
  if (measure.kind !== 'builtin') return { ctes, joins: sql``, params: p };
  const formula = measure.formula;
  const spaceId = context.space.id;
  const table = context.table.key;
  if (
    ['lai', 'health_score', 'first_response_median', 'action_fullness', 'response_within'].includes(
      formula,
    )
  ) {
    const since = new Date(now.getTime() - p.actionDays * 86_400_000).toISOString();
    if (formula !== 'lai' && p.roleKey === 'role' && p.actionTypes.length === 1) {
      // The rollup maintained with the events (migration 0020): exact, one row per lead, looked
      // up by key for each counted record (hashing the whole rollup would read every lead's row).
      joins.push(sql`left join lateral (select f.record_id, f.actions, f.first_at, f.last_at,
          cardinality(f.roles) as roles
        from platform.record_event_facts f
        where f.space_id = ${spaceId}::uuid and f.table_key = ${table}::text
          and f.type = ${p.actionTypes[0]}::text and f.record_id = b.id) ev on true`);
      return { ctes, joins: sql.join(joins, sql` `), params: p, rolledUp: true };
    }
    ctes.push(sql`ev as (
      select e.record_id, count(*)::int as actions,
        count(*) filter (where e.at > ${since}::timestamptz and e.at <= ${now.toISOString()}::timestamptz)::int as recent,
        count(distinct e.payload ->> ${p.roleKey}::text)::int as roles,
        min(e.at) as first_at, max(e.at) as last_at
      from platform.behaviour_events e
      where e.space_id = ${spaceId}::uuid and e.table_key = ${table}::text
        and e.type = any(${toPgArray(p.actionTypes)}::text[])
        and e.record_id in (select id from base)
      group by e.record_id)`);
    joins.push(sql`left join ev on ev.record_id = b.id`);
  }
  if (formula === 'collaboration_density') {
    ctes.push(sql`au as (
      select a.record_id, count(distinct a.actor)::int as actors
      from platform.audit_log a
      where a.space_id = ${spaceId}::uuid and a.table_key = ${table}::text and a.actor is not null
        and a.record_id in (select id from base)
      group by a.record_id)`);
    joins.push(sql`left join au on au.record_id = b.id`);
  }
  if (formula === 'stage_dwell') {
    ctes.push(sql`st as (
      select s.record_id, s.stage, s.at, s.left_at from (
        select a.record_id, a.at,
          case when a.action = 'create' then a.after ->> 'stage' else a.after #>> '{}' end as stage,
          lead(a.at) over (partition by a.record_id order by a.at, a.id) as left_at
        from platform.audit_log a
        where a.space_id = ${spaceId}::uuid and a.table_key = ${table}::text
          and ((a.action = 'create' and a.after ? 'stage') or (a.action = 'update' and a.field = 'stage'))
          and a.record_id in (select id from base)) s
      where s.left_at is not null and s.stage is not null
        ${p.stage ? sql`and s.stage = ${p.stage}::text` : sql``})`);
    joins.push(sql`join st on st.record_id = b.id`);
  }
  return { ctes, joins: sql.join(joins, sql` `), params: p };
}

const day = sql.raw(`86400.0`);

/** The aggregate giving a metric's value over the rows of `b` (and the built-ins' facts). */
export function aggregateOf(
  context: TableContext,
  measure: Measure,
  now: Date,
  p: ResolvedParams,
): RawBuilder<unknown> {
  const column = (field: string) => sql.raw(`b.${q(field)}`);
  const at = now.toISOString();
  switch (measure.kind) {
    case 'count':
      return sql`count(*)::float8`;
    case 'count_distinct':
      return sql`count(distinct ${column(measure.field)})::float8`;
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
      return sql`${sql.raw(measure.kind)}(${column(measure.field)})::float8`;
    case 'median':
      return sql`percentile_cont(0.5) within group (order by ${column(measure.field)})`;
    case 'percentile':
      return sql`percentile_cont(${measure.p}::float8) within group (order by ${column(measure.field)})`;
    case 'ratio':
      return sql`avg(case when ${celCondition(context, measure.numerator, 'b', now)} then 1.0 else 0.0 end)::float8`;
    case 'builtin':
      break;
  }
  switch (measure.formula) {
    case 'lai':
      return sql`(100 * (0.4 * avg(case when b.updated_at >= ${at}::timestamptz - make_interval(days => ${p.freshDays}::int) then 1.0 else 0.0 end)
        + 0.35 * avg(case when coalesce(ev.recent, 0) >= ${p.minActions}::int then 1.0 else 0.0 end)
        + 0.25 * avg(case when coalesce(ev.roles, 0) >= ${p.minRoles}::int then 1.0 else 0.0 end)))::float8`;
    case 'health_score':
      return sql`avg(${healthScoreSql(context, at, p)})::float8`;
    case 'channel_effectiveness':
    case 'action_fullness':
    case 'response_within':
      return sql`avg(${averagedValueOf(measure.formula, p)})::float8`;
    case 'first_response_median':
      return sql`percentile_cont(0.5) within group (order by extract(epoch from ev.first_at - b.created_at) / 3600.0)`;
    case 'collaboration_density':
      return sql`avg(coalesce(au.actors, 0))::float8`;
    case 'stage_dwell':
      return sql`percentile_cont(0.5) within group (order by extract(epoch from st.left_at - st.at) / ${day})`;
    case 'contribution_share':
      throw new MetricQueryError('contribution_share is computed per customer and person');
  }
}

/** The per-record value the averaging built-ins average (over `b` and `ev`). */
export function averagedValueOf(
  formula: 'channel_effectiveness' | 'action_fullness' | 'response_within',
  p: ResolvedParams,
): RawBuilder<unknown> {
  switch (formula) {
    case 'channel_effectiveness':
      return sql`(case when ${sql.raw(`b.${q(p.gradeField)}`)}::text = ${p.grade}::text then 1.0 else 0.0 end)`;
    case 'action_fullness':
      return sql`coalesce(ev.actions, 0)`;
    case 'response_within':
      return sql`(case when ev.first_at - b.created_at <= make_interval(secs => ${p.withinHours * 3600}::float8) then 1.0 else 0.0 end)`;
  }
}

/** One lead's health score (A6), the SQL twin of runtime/metrics `healthScore`. */
export function healthScoreSql(
  context: TableContext,
  at: string,
  p: ResolvedParams,
): RawBuilder<unknown> {
  return sql`(100 * (${healthStaticSql(context, p)} + ${healthFreshnessSql(sql`ev.last_at`, at, p)}))`;
}

/**
 * The part of a health score that does not depend on the clock: 0.4 × completeness + 0.3 × role
 * coverage (pre-aggregates keep it per record; the freshness part is added at read time).
 */
export function healthStaticSql(context: TableContext, p: ResolvedParams): RawBuilder<unknown> {
  const listed = p.completenessFields;
  const filled = listed.map((key) => {
    const field = context.fields.get(key);
    const storage = field ? storageOf(field) : 'text';
    const column = `b.${q(key)}`;
    return storage === 'text[]' || storage === 'uuid[]'
      ? `(case when coalesce(cardinality(${column}), 0) > 0 then 1 else 0 end)`
      : storage === 'text'
        ? `(case when nullif(${column}, '') is not null then 1 else 0 end)`
        : `(case when ${column} is not null then 1 else 0 end)`;
  });
  const completeness =
    listed.length === 0
      ? sql`1.0`
      : sql.raw(`((${filled.join(' + ')})::float8 / ${listed.length})`);
  return sql`(0.4 * ${completeness}
    + 0.3 * least(coalesce(ev.roles, 0)::float8 / ${p.minRoles}::float8, 1.0))`;
}

/** 0.3 × action timeliness of a record whose last action was at `lastAt`, seen at `at`. */
export function healthFreshnessSql(
  lastAt: RawBuilder<unknown>,
  at: string,
  p: ResolvedParams,
): RawBuilder<unknown> {
  const span = p.actionDays - p.freshDays;
  return sql`(0.3 * (case when ${lastAt} is null then 0.0
        when ${lastAt} >= ${at}::timestamptz - make_interval(days => ${p.freshDays}::int) then 1.0
        when ${lastAt} > ${at}::timestamptz - make_interval(days => ${p.actionDays}::int)
          then extract(epoch from ${lastAt} - (${at}::timestamptz - make_interval(days => ${p.actionDays}::int))) / (${span}::float8 * 86400.0)
        else 0.0 end))`;
}

/** Which joined rows count toward the number (drill-down restricts to them). */
export function contributingCondition(
  measure: Measure,
  context: TableContext,
  now: Date,
): RawBuilder<unknown> | undefined {
  if ('field' in measure) return sql.raw(`b.${q(measure.field)} is not null`);
  if (measure.kind === 'builtin' && measure.formula === 'first_response_median')
    return sql`ev.first_at is not null`;
  void context;
  void now;
  return undefined;
}

/** A PostgreSQL array literal of text values, for `= any($1::text[])`. */
export function toPgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}
