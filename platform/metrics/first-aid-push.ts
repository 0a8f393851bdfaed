// Pushes the 线索急救包 first-aid kit (A6) after a daily LAI recompute: every owner whose LAI for
// the day is below the metric's `firstAidBelow` gets three suggestions about their own leads, in-app,
// once per day (the notification's idempotency key carries the day).
import { sql } from 'kysely';
import { firstAidKit, type FirstAidSuggestion } from '../../runtime/metrics/first-aid-kit';
import { laiWeights, type ResolvedParams } from '../../runtime/metrics/formulas';
import type { MetricDefinition } from '../../runtime/metrics/metric-schema';
import type { Db } from '../db/database';
import { sendNotification } from '../notifications/send-notification';
import type { TableContext } from '../records/table-context';
import { baseQuery, toPgArray } from './metric-sql';

export interface FirstAidPush {
  readonly owner: string;
  readonly lai: number;
  readonly suggestions: FirstAidSuggestion[];
  /** `sent`, or `already_sent` when today's kit went out on an earlier recompute. */
  readonly status: string;
}

const q = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * Sends today's kits for one LAI metric whose snapshot for `day` was just written.
 * @example await pushFirstAidKits(db, { context, metric, params, day: '2026-11-23', now, below: 75 })
 */
export async function pushFirstAidKits(
  db: Db,
  input: {
    readonly context: TableContext;
    readonly metric: MetricDefinition;
    readonly params: ResolvedParams;
    readonly day: string;
    readonly now: Date;
    readonly below: number;
  },
): Promise<FirstAidPush[]> {
  const { context, metric, params, day, now, below } = input;
  const owners = await sql<{ owner: string; lai: number }>`
    select owner::text as owner,
      (100 * (${laiWeights.freshness}::float8 * fresh + ${laiWeights.actionDensity}::float8 * dense
        + ${laiWeights.roleCoverage}::float8 * covered) / leads)::float8 as lai
    from platform.lai_daily
    where space_id = ${context.space.id}::uuid and metric = ${metric.key}::text
      and day = ${day}::date and owner is not null and leads > 0
    order by owner`.execute(db);
  const pushes: FirstAidPush[] = [];
  for (const { owner, lai } of owners.rows) {
    if (Number(lai) >= below) continue;
    const leads = await ownerLeads(db, context, metric, params, owner, now);
    const suggestions = firstAidKit(leads, now.getTime(), params);
    if (suggestions.length === 0) continue;
    const value = Number(lai);
    const [outcome] = await sendNotification(
      { db },
      {
        spaceId: context.space.id,
        idempotencyKey: `lai-first-aid/${metric.key}/${day}`,
        recipients: [owner],
        channel: 'inapp',
        title: `线索急救包：线索活性指数 ${value.toFixed(1)}，低于目标 ${below}`,
        body: suggestions.map((s, i) => `${i + 1}. ${s.text['zh-CN']}`).join('\n'),
        tableKey: context.table.key,
      },
    );
    pushes.push({ owner, lai: value, suggestions, status: outcome?.status ?? 'skipped' });
  }
  return pushes;
}

/** The owner's leads with the facts the LAI counted: last write, recent follow-ups, roles. */
async function ownerLeads(
  db: Db,
  context: TableContext,
  metric: MetricDefinition,
  params: ResolvedParams,
  owner: string,
  now: Date,
) {
  const at = now.toISOString();
  const title = context.table.titleField;
  const name = title ? sql.raw(`b.${q(title)}::text`) : sql`b.id::text`;
  const rows = await sql<{
    id: string;
    name: string | null;
    updated_at: Date;
    recent: number;
    roles: number;
  }>`
    with base as (${baseQuery({ metric, context, now, window: 'none' })})
    select b.id::text as id, ${name} as name, b.updated_at,
      count(e.*) filter (where e.at > ${at}::timestamptz - make_interval(days => ${params.actionDays}::int)
        and e.at <= ${at}::timestamptz)::int as recent,
      count(distinct e.payload ->> ${params.roleKey}::text)::int as roles
    from base b
    left join platform.behaviour_events e on e.space_id = ${context.space.id}::uuid
      and e.table_key = ${context.table.key}::text and e.record_id = b.id
      and e.type = any(${toPgArray(params.actionTypes)}::text[])
    where b.owner = ${owner}::uuid
    group by b.id, b.updated_at, b.created_at, ${name}
    order by b.created_at, b.id`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    name: r.name ?? r.id,
    updatedAt: new Date(r.updated_at).getTime(),
    recentActions: Number(r.recent),
    roles: Number(r.roles),
  }));
}
