// The reps an assignment rule may choose from, with the counters it needs: open records (as the
// rule's capacity counts them), last assignment and assigned count per rule.
import { sql } from 'kysely';
import type { AssignmentCandidate, CompiledAssignmentRule } from '../../runtime/rules/assignment';
import { cachedPeople } from '../auth/people-cache';
import type { Db } from '../db/database';
import type { Row } from './record-repository';
import type { TableContext } from './table-context';

/**
 * Every active member of the space as a candidate, or only the members `only` names. With `lock`,
 * the member rows are locked in id order first, so concurrent assignments to the same people queue
 * instead of racing past a capacity.
 * @example await loadAssignmentCandidates(tx, context, rule, { lock: true, only: ['u1', 'u2'] })
 */
export async function loadAssignmentCandidates(
  tx: Db,
  context: TableContext,
  rule: CompiledAssignmentRule,
  options: {
    readonly lock: boolean;
    readonly only?: readonly string[];
    /** false: every open count reads 0 (a first look for who could take a record at all). */
    readonly counts?: boolean;
    /** Count every open record, not only up to what the rule's decision can tell apart (dry runs). */
    readonly exact?: boolean;
  },
): Promise<AssignmentCandidate[]> {
  if (options.only?.length === 0) return [];
  const capacity = rule.rule.entries.find((e) => e.capacity)?.capacity;
  // Open records are counted only where a capacity or least-loaded reads them: a rep may own
  // hundreds of thousands of records, and the count would be the assignment's whole cost.
  const counted =
    options.counts !== false &&
    rule.rule.entries.some((e) => e.capacity || e.strategy === 'least_loaded');
  const closed = capacity?.closedStages ?? [];
  const bound = options.exact ? null : countBound(rule);
  const limit = bound === null ? sql`` : sql`limit ${bound}`;
  const only = options.only ? sql`and u.id = any(${options.only}::uuid[])` : sql``;
  if (options.lock) {
    // Locks first, counts after: a statement that waited for a lock re-checks only the locked rows,
    // so counts read in the same statement would predate the commit it waited for.
    await sql`select u.id from platform.space_members m join platform.users u on u.id = m.user_id
      where m.space_id = ${context.space.id} and u.active ${only}
      order by u.id for update of u`.execute(tx);
  }
  // Members, their open records (as the capacity counts them) and rotation state.
  const members = await sql<Row>`
    select u.id, u.email, u.display_name, u.province, u.city, u.product_lines, u.attributes,
      u.away, u.on_shift, m.roles, open.n as open_count, s.last_assigned_at, s.assigned_count
    from platform.space_members m
    join platform.users u on u.id = m.user_id
    -- The table keeps its owners' counts (migration 0080) unless it predates them and was missed.
    cross join (select exists (select 1 from platform.owned_count_tables
      where schema_name = ${context.space.schemaName} and table_name = ${context.table.key}) as yes) kept
    cross join lateral (
      select case
        when not ${sql.raw(String(counted))} then 0
        when kept.yes then (
          select coalesce(sum(c.n), 0)::int from platform.owned_counts c
          where c.schema_name = ${context.space.schemaName} and c.table_name = ${context.table.key}
            and c.owner = u.id and not (c.stage = any(${closed}::text[])))
        else (
          select count(*)::int from (
            select 1 from ${sql.raw(context.ref)} r
            where r.owner = u.id and r.deleted_at is null
              and (r.stage is null or not (r.stage = any(${closed}::text[])))
            ${limit}) owned)
      end as n
    ) open
    left join platform.assignment_state s
      on s.space_id = m.space_id and s.rule_key = ${rule.key} and s.user_id = u.id
    where m.space_id = ${context.space.id} and u.active
      ${only}
    order by u.id`.execute(tx);
  return members.rows.map((m) => {
    const id = String(m.id);
    const attributes = (m.attributes ?? {}) as Record<string, unknown>;
    return {
      id,
      attributes: {
        ...attributes,
        id,
        email: m.email,
        name: m.display_name,
        region: { province: m.province ?? null, city: m.city ?? null },
        province: m.province ?? null,
        city: m.city ?? null,
        product_lines: m.product_lines ?? [],
        roles: m.roles ?? [],
      },
      away: m.away === true,
      onShift: m.on_shift !== false,
      openCount: Number(m.open_count ?? 0),
      lastAssignedAt: (m.last_assigned_at as Date | null) ?? null,
      assignedCount: Number(m.assigned_count ?? 0),
      weight: typeof attributes.weight === 'number' ? attributes.weight : 1,
    };
  });
}

/**
 * How far open records need counting for the rule to decide: a capacity only asks whether a rep
 * is below its limit, and least-loaded only ranks the reps below it, so counting stops at the
 * largest limit (a rep with 30,000 leads costs 8 index entries, not 30,000, under a limit of 8).
 * Null when a least-loaded entry has no capacity: its ranking needs every count.
 */
function countBound(rule: CompiledAssignmentRule): number | null {
  const entries = rule.rule.entries;
  if (entries.some((e) => e.strategy === 'least_loaded' && !e.capacity)) return null;
  const limits = entries.flatMap((e) => (e.capacity ? [e.capacity.lessThan] : []));
  return limits.length === 0 ? null : Math.max(...limits);
}

/**
 * Everyone the rule could pick at all, with open counts read as 0: an assignment's first look,
 * before it locks the contenders and counts. Cached with people (platform/auth/people-cache.ts):
 * who is eligible reads only who people are, their roles and availability, never counts or
 * rotation, and every change to those (or to the rule) empties the cache.
 * @example const everyone = await firstLookCandidates(tx, context, rule)
 */
export async function firstLookCandidates(
  tx: Db,
  context: TableContext,
  rule: CompiledAssignmentRule,
): Promise<AssignmentCandidate[]> {
  const key = `assignees:${context.space.id}:${context.version}:${rule.key}`;
  const everyone = await cachedPeople(key, () =>
    loadAssignmentCandidates(tx, context, rule, { lock: false, counts: false }),
  );
  return everyone ?? [];
}
