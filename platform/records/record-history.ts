// A record's audit trail: who changed which field when, from what to what, through which path.
import type { Db } from '../db/database';

export interface HistoryEntry {
  readonly id: string;
  readonly action: string;
  readonly field: string | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly actor: string | null;
  readonly source: string;
  readonly at: string;
}

/** Audit rows of one record, oldest first. */
export async function recordHistory(
  db: Db,
  spaceId: string,
  tableKey: string,
  recordId: string,
  limit = 1000,
): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('platform.audit_log')
    .select(['id', 'action', 'field', 'before', 'after', 'actor', 'source', 'at'])
    .where('space_id', '=', spaceId)
    .where('table_key', '=', tableKey)
    .where('record_id', '=', recordId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
