// The reps an assignment rule may choose from, with the counters it needs: open records (as the
// rule's capacity counts them), last assignment and assigned count per rule.
import { sql } from 'kysely';
import type { AssignmentCandidate, CompiledAssignmentRule } from '../../runtime/rules/assignment';
import type { Row, Tx } from './record-repository';
import type { TableContext } from './table-context';

/**
 * Every active member of the space as a candidate, or only the members `only` names. With `lock`,
 * the member rows are locked in id order first, so concurrent assignments to the same people queue
 * instead of racing past a capacity.
 * @example await loadAssignmentCandidates(tx, context, rule, { lock: true, only: ['u1', 'u2'] })
 */
export async function loadAssignmentCandidates(
  tx: Tx,
  context: TableContext,
  rule: CompiledAssignmentRule,
  options: { readonly lock: boolean; readonly only?: readonly string[] },
): Promise<AssignmentCandidate[]> {
  if (options.only?.length === 0) return [];
  const members = await sql<Row>`
    select u.id, u.email, u.display_name, u.province, u.city, u.product_lines, u.attributes, u.away, u.on_shift, m.roles
    from platform.space_members m join platform.users u on u.id = m.user_id
    where m.space_id = ${context.space.id} and u.active
      ${options.only ? sql`and u.id = any(${options.only}::uuid[])` : sql``}
    order by u.id ${options.lock ? sql`for update of u` : sql``}`.execute(tx);
  const ids = members.rows.map((m) => String(m.id));
  if (ids.length === 0) return [];
  const capacity = rule.rule.entries.find((e) => e.capacity)?.capacity;
  const closed = capacity?.closedStages ?? [];
  const counts = await sql<{ owner: string; n: string }>`
    select owner, count(*) as n from ${sql.raw(context.ref)}
    where deleted_at is null and owner = any(${ids}::uuid[])
      and (stage is null or not (stage = any(${closed}::text[])))
    group by owner`.execute(tx);
  const state = await tx
    .selectFrom('platform.assignment_state')
    .select(['user_id', 'last_assigned_at', 'assigned_count'])
    .where('space_id', '=', context.space.id)
    .where('rule_key', '=', rule.key)
    .execute();
  const openBy = new Map(counts.rows.map((r) => [r.owner, Number(r.n)]));
  const stateBy = new Map(state.map((s) => [s.user_id, s]));
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
      openCount: openBy.get(id) ?? 0,
      lastAssignedAt: stateBy.get(id)?.last_assigned_at ?? null,
      assignedCount: stateBy.get(id)?.assigned_count ?? 0,
      weight: typeof attributes.weight === 'number' ? attributes.weight : 1,
    };
  });
}
