// Record writes made by flows: the same write path as any other, retried on version conflicts.
import type { FlowExecutionRef } from '../../workflows/flow-start';
import type { Db } from '../db/database';
import { BatonError } from '../errors';
import { StaleVersionError } from './record-errors';
import { getRecordOrThrow, updateRecord } from './record-service';
import { resolveTable } from './table-context';

const attempts = 5;

/**
 * Applies `set` to the execution's record as source `flow` (rules, validation, audit and outbox
 * all apply; `reassign` runs the assignment rules again). A refusal is an outcome, not an exception: the flow records it and moves on.
 */
export async function updateRecordAsFlow(
  db: Db,
  ref: FlowExecutionRef,
  set: Readonly<Record<string, unknown>>,
  options: { readonly reassign?: boolean } = {},
): Promise<{ ok: boolean; detail?: string }> {
  const context = await resolveTable(db, ref.spaceKey, ref.tableKey);
  for (let attempt = 1; ; attempt++) {
    const current = await getRecordOrThrow(db, context, ref.recordId, true);
    try {
      await updateRecord(db, context, ref.recordId, set, Number(current.version), {
        actor: null,
        source: 'flow',
        ...(options.reassign ? { reassign: true } : {}),
      });
      return { ok: true };
    } catch (error) {
      if (error instanceof StaleVersionError && attempt < attempts) continue;
      if (error instanceof BatonError)
        return { ok: false, detail: `${error.code}: ${error.message}` };
      throw error;
    }
  }
}
