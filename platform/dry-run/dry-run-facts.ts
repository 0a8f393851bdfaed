// What a dry run reads besides the records, in bulk and without locks: their behaviour events,
// the facts gates check, and the reps an assignment rule would choose from.
import { sql } from 'kysely';
import type { AssignmentCandidate, CompiledAssignmentRule } from '../../runtime/rules/assignment';
import type { GateFacts } from '../../runtime/rules/gate';
import type { ScoreEvent } from '../../runtime/rules/scorecard';
import { loadAssignmentCandidates } from '../records/assignment-candidates';
import type { Tx } from '../records/record-repository';
import type { RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';

/** Events of `types` per record id, oldest first. */
export async function eventsByRecord(
  tx: Tx,
  context: TableContext,
  ids: readonly string[],
  types: readonly string[],
): Promise<Map<string, ScoreEvent[]>> {
  const byRecord = new Map<string, ScoreEvent[]>();
  if (ids.length === 0 || types.length === 0) return byRecord;
  const rows = await tx
    .selectFrom('platform.behaviour_events')
    .select(['id', 'record_id', 'type', 'at', 'payload'])
    .where('space_id', '=', context.space.id)
    .where('table_key', '=', context.table.key)
    .where(sql<boolean>`record_id = any(${[...ids]}::uuid[])`)
    .where('type', 'in', [...types])
    .orderBy('at')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = byRecord.get(r.record_id) ?? [];
    list.push({
      id: String(r.id),
      type: r.type,
      at: r.at.toISOString(),
      payload: (r.payload ?? {}) as Record<string, unknown>,
    });
    byRecord.set(r.record_id, list);
  }
  return byRecord;
}

/** Gate facts per record id: the sniffed type of every attached file, completed tasks by node. */
export async function gateFactsByRecord(
  tx: Tx,
  context: TableContext,
  records: readonly RecordJson[],
): Promise<Map<string, Omit<GateFacts, 'now'>>> {
  const attachmentFields = context.table.fields.filter((f) => f.type === 'attachments');
  const fileIds = records.flatMap((r) =>
    attachmentFields.flatMap((f) => (Array.isArray(r[f.key]) ? (r[f.key] as string[]) : [])),
  );
  const files =
    fileIds.length === 0
      ? []
      : await tx
          .selectFrom('platform.files')
          .select(['id', 'mime_type'])
          .where('id', 'in', [...new Set(fileIds)])
          .execute();
  const fileMimes = Object.fromEntries(files.map((f) => [f.id, f.mime_type]));
  const ids = records.map((r) => String(r.id));
  const tasks =
    ids.length === 0
      ? []
      : await tx
          .selectFrom('platform.tasks')
          .select(['record_id', 'node', (eb) => eb.fn.countAll<string>().as('n')])
          .where('space_id', '=', context.space.id)
          .where(sql<boolean>`record_id = any(${ids}::uuid[])`)
          .where('status', '=', 'done')
          .groupBy(['record_id', 'node'])
          .execute();
  const completed = new Map<string, Record<string, number>>();
  for (const t of tasks) {
    const counts = completed.get(t.record_id) ?? {};
    counts[t.node ?? 'task'] = Number(t.n);
    completed.set(t.record_id, counts);
  }
  return new Map(ids.map((id) => [id, { fileMimes, completed: completed.get(id) ?? {} }]));
}

/**
 * The space's active members as candidates of an assignment rule, with their open records counted
 * the way the rule counts them, as the write path builds them (but read, not locked).
 */
export async function assignmentCandidates(
  tx: Tx,
  context: TableContext,
  rule: CompiledAssignmentRule,
): Promise<AssignmentCandidate[]> {
  return loadAssignmentCandidates(tx, context, rule, { lock: false, exact: true });
}
