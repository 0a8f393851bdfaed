// Scheduled flows: Temporal Schedules kept in step with the published definition, and the ticks
// they fire, each turned into flow starts through the outbox exactly once.
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { sql, type Transaction } from 'kysely';
import { compileCel } from '../../runtime/cel/compile-cel';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { FlowDefinition } from '../../runtime/flows/flow-schema';
import { outboxEventSignalName } from '../../workflows/shared';
import {
  flowScheduleId,
  flowScheduleIdPrefix,
  flowScheduleTickWorkflowType,
  flowSchedulesWorkflowId,
  flowSchedulesWorkflowType,
  type FlowScheduleTick,
} from '../../workflows/flow-schedule-names';
import type { Db } from '../db/database';
import type { PlatformDatabase } from '../db/schema';
import { getPublished, getVersionOrThrow } from '../definitions/definition-store';
import { enqueueOutbox } from '../outbox/outbox-repository';
import { enqueueFlowStart } from '../records/record-flows';
import { rowToRecord } from '../records/record-values';
import { resolveTable } from '../records/table-context';
import type { Space } from '../spaces/space-repository';

type ScheduledFlow = FlowDefinition & {
  trigger: Extract<FlowDefinition['trigger'], { on: 'schedule' }>;
};

const scheduledFlows = (definition: AppDefinition | undefined): ScheduledFlow[] =>
  (definition?.flows ?? []).filter((f): f is ScheduledFlow => f.trigger.on === 'schedule');

/** Records one tick may start the flow for; more are reported, not started. */
const maxRecordsPerTick = 50_000;
const page = 1_000;

/**
 * Called by publish inside its transaction: when the space had or now has scheduled flows, the
 * schedules workflow is told (through the outbox) to bring Temporal's Schedules in line.
 */
export async function enqueueScheduleSync(
  tx: Transaction<PlatformDatabase>,
  space: Space,
  next: AppDefinition,
): Promise<void> {
  const previous = await getPublished(tx, space.id);
  const before = previous.version > 0 ? scheduledFlows(previous.definition) : [];
  if (before.length === 0 && scheduledFlows(next).length === 0) return;
  await enqueueOutbox(tx, {
    topic: 'flows.schedules',
    workflowType: flowSchedulesWorkflowType,
    workflowId: flowSchedulesWorkflowId(space.key),
    signalName: outboxEventSignalName,
    payload: { spaceKey: space.key },
    workflowArgs: [{ spaceKey: space.key }],
  });
}

/**
 * Creates, updates and deletes the space's Temporal Schedules so there is exactly one per scheduled
 * flow of the latest published version (cron and time zone as published). Idempotent.
 */
export async function syncFlowSchedules(
  db: Db,
  client: Client,
  spaceKey: string,
  taskQueue: string,
): Promise<{ upserted: string[]; deleted: string[] }> {
  const space = await db
    .selectFrom('platform.spaces')
    .select(['id'])
    .where('key', '=', spaceKey)
    .executeTakeFirst();
  const published = space ? await getPublished(db, space.id) : undefined;
  const flows = published && published.version > 0 ? scheduledFlows(published.definition) : [];
  const wanted = new Set(flows.map((f) => flowScheduleId(spaceKey, f.key)));
  const upserted: string[] = [];
  for (const flow of flows) {
    const scheduleId = flowScheduleId(spaceKey, flow.key);
    const tick: FlowScheduleTick = { spaceKey, flowKey: flow.key };
    const spec = { cronExpressions: [flow.trigger.cron], timezone: flow.trigger.timeZone };
    const action = {
      type: 'startWorkflow' as const,
      workflowType: flowScheduleTickWorkflowType,
      workflowId: `${scheduleId}/tick`,
      taskQueue,
      args: [tick],
    };
    try {
      await client.schedule.getHandle(scheduleId).update((previous) => ({
        ...previous,
        spec,
        action,
      }));
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      await client.schedule.create({ scheduleId, spec, action, memo: { spaceKey } });
    }
    upserted.push(scheduleId);
  }
  // Stale ones: those the previous version had (listing schedules is eventually consistent) and
  // any other the listing shows under the space's prefix.
  const stale = new Set<string>();
  if (space && published && published.version > 1) {
    const previous = await getVersionOrThrow(db, space.id, published.version - 1);
    for (const flow of scheduledFlows(previous.definition))
      stale.add(flowScheduleId(spaceKey, flow.key));
  }
  for await (const schedule of client.schedule.list()) {
    if (schedule.scheduleId.startsWith(flowScheduleIdPrefix(spaceKey)))
      stale.add(schedule.scheduleId);
  }
  const deleted: string[] = [];
  for (const scheduleId of stale) {
    if (wanted.has(scheduleId)) continue;
    try {
      await client.schedule.getHandle(scheduleId).delete();
      deleted.push(scheduleId);
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
  return { upserted, deleted };
}

/**
 * One firing of a flow's schedule: in a single transaction, claims the tick (so a retried activity
 * or a repeated tick starts nothing twice) and writes a start to the outbox for every live record
 * the trigger's filter holds for — or one start for no record when the flow has no filter.
 */
export async function startScheduledFlow(
  db: Db,
  tick: FlowScheduleTick & { readonly tickId: string; readonly at: string },
): Promise<{ started: number; skipped: boolean; truncated: boolean }> {
  const space = await db
    .selectFrom('platform.spaces')
    .select(['id'])
    .where('key', '=', tick.spaceKey)
    .executeTakeFirst();
  if (!space) return { started: 0, skipped: true, truncated: false };
  const published = await getPublished(db, space.id);
  const flow = scheduledFlows(published.definition).find((f) => f.key === tick.flowKey);
  // Unpublished since the tick was scheduled: the sync deletes the schedule; nothing to start.
  if (!flow) return { started: 0, skipped: true, truncated: false };
  const context = await resolveTable(db, tick.spaceKey, flow.table);
  const filter = flow.trigger.filter
    ? compileCel(flow.trigger.filter, { record: context.table.fields }, { expect: 'bool' })
    : undefined;
  if (filter && !filter.ok) throw new Error(`flow ${flow.key} filter does not compile`);
  const now = new Date(tick.at);
  return db.transaction().execute(async (tx) => {
    const claimed = await sql<{ tick_id: string }>`
      insert into platform.flow_schedule_ticks (tick_id, space_id, flow_key, at)
      values (${tick.tickId}, ${space.id}, ${flow.key}, ${now})
      on conflict (tick_id) do nothing returning tick_id`.execute(tx);
    if (claimed.rows.length === 0) return { started: 0, skipped: true, truncated: false };
    let started = 0;
    if (!filter) {
      await enqueueFlowStart(tx, context, flow.key, { id: `tick-${tick.at}` }, 'schedule.tick');
      started = 1;
    } else {
      let after = '00000000-0000-0000-0000-000000000000';
      scan: for (;;) {
        const rows = await sql<Record<string, unknown>>`
          select * from ${sql.raw(context.ref)}
          where deleted_at is null and id > ${after}::uuid order by id limit ${page}`.execute(tx);
        for (const row of rows.rows) {
          const record = rowToRecord(row, context.table.fields);
          const result = filter.value.evaluate({ record, now: now.toISOString() });
          if (!result.ok || result.value !== true) continue;
          if (started >= maxRecordsPerTick) break scan;
          await enqueueFlowStart(tx, context, flow.key, record, 'schedule.tick');
          started += 1;
        }
        if (rows.rows.length < page) break;
        after = String(rows.rows.at(-1)!.id);
      }
    }
    await sql`update platform.flow_schedule_ticks set started = ${started} where tick_id = ${tick.tickId}`.execute(
      tx,
    );
    return { started, skipped: false, truncated: started >= maxRecordsPerTick };
  });
}
