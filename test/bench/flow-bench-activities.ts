// The flow benchmark baseline's one activity: a timeline row, as the interpreter's effects write.
import type { Db } from '../../platform/db/database';
import { recordSubject } from '../../workflows/activities/flow-activities';
import type { FlowExecutionRef } from '../../workflows/flow-start';

/** Activities of the baseline worker, around the shared database. */
export function createBenchActivities(db: Db) {
  return {
    /** Writes when the baseline's timer fired; `at` defaults to the insert time, as for flows. */
    async recordFired(ref: FlowExecutionRef, due: string): Promise<void> {
      await db
        .insertInto('platform.timeline')
        .values({
          space_id: ref.spaceId,
          subject: recordSubject(ref.tableKey, ref.recordId),
          kind: 'bench.fired',
          data: { flow: ref.flowKey, due },
          idempotency_key: `${ref.keyPrefix}:fired`,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
    },
  };
}
