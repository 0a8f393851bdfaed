// Reads flow tasks (the "task" node's work items) of a record for the rep app.
import type { Db } from '../db/database';
import type { LocalizedText } from '../../runtime/localized-text';

export interface FlowTask {
  readonly id: string;
  readonly flow: string | null;
  readonly node: string | null;
  /** Recipient spec the task is for (`owner`, `role:market`…). */
  readonly assignee: string;
  readonly title: LocalizedText;
  readonly dueAt: string;
  readonly status: 'open' | 'done' | 'cancelled';
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly completedBy: string | null;
}

/**
 * The tasks of one record: open ones first (earliest due first), then done and cancelled ones.
 * @example await listRecordTasks(db, space.id, 'lead', recordId)
 */
export async function listRecordTasks(
  db: Db,
  spaceId: string,
  tableKey: string,
  recordId: string,
): Promise<FlowTask[]> {
  const rows = await db
    .selectFrom('platform.tasks')
    .selectAll()
    .where('space_id', '=', spaceId)
    .where('table_key', '=', tableKey)
    .where('record_id', '=', recordId)
    .orderBy('due_at')
    .limit(500)
    .execute();
  const rank = (status: string) => (status === 'open' ? 0 : 1);
  return rows
    .sort((a, b) => rank(a.status) - rank(b.status))
    .map((r) => ({
      id: r.id,
      flow: r.flow_key,
      node: r.node,
      assignee: r.assignee,
      title: r.title,
      dueAt: r.due_at.toISOString(),
      status: r.status,
      createdAt: r.created_at.toISOString(),
      completedAt: r.completed_at?.toISOString() ?? null,
      completedBy: r.completed_by,
    }));
}
