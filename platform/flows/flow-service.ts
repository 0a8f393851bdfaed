// What people and integrations do to running flows: verdicts, task completion, timelines, simulation.
import type { FlowNode } from '../../runtime/flows/flow-schema';
import { compileFlow } from '../../runtime/flows/compile-flow';
import { createFlowClock } from '../../runtime/flows/flow-clock';
import { simulateFlow, type SimulationScript } from '../../runtime/flows/simulate-flow';
import { defaultCnCalendar } from '../../runtime/time/cn-holidays';
import { recordSubject } from '../../workflows/activities/flow-activities';
import { flowWorkflowId, flowWorkflowType } from '../../workflows/flow-start';
import { outboxEventSignalName } from '../../workflows/shared';
import type { Db } from '../db/database';
import { BatonError, NotFoundError } from '../errors';
import { enqueueOutbox } from '../outbox/outbox-repository';
import { getRecordOrThrow } from '../records/record-service';
import type { FieldIssue } from '../records/record-validator';
import type { TableContext } from '../records/table-context';

export interface Verdict {
  readonly flow: string;
  readonly verdict: 'valid' | 'needs_info' | 'invalid';
  readonly reason?: string;
  readonly note?: string;
  readonly by?: string | null;
}

/**
 * Records the receiving side's verdict on a pending handover and hands it to the execution.
 * An `invalid` verdict needs one of the node's preset reasons and a note.
 */
export async function submitVerdict(
  db: Db,
  context: TableContext,
  recordId: string,
  verdict: Verdict,
): Promise<void> {
  await getRecordOrThrow(db, context, recordId);
  const flow = (context.definition.flows ?? []).find(
    (f) => f.key === verdict.flow && f.table === context.table.key,
  );
  if (!flow) throw new NotFoundError('flow', verdict.flow);
  await db.transaction().execute(async (tx) => {
    const freeze = await tx
      .selectFrom('platform.record_freezes')
      .select('node')
      .where('space_id', '=', context.space.id)
      .where('table_key', '=', context.table.key)
      .where('record_id', '=', recordId)
      .where('flow_key', '=', flow.key)
      .forUpdate()
      .executeTakeFirst();
    if (!freeze) {
      throw new BatonError(
        'NO_PENDING_HANDOVER',
        409,
        `no handover of flow "${flow.key}" is waiting for a verdict on this record`,
      );
    }
    const node = flow.nodes.find(
      (n): n is Extract<FlowNode, { type: 'handover' }> =>
        n.id === freeze.node && n.type === 'handover',
    );
    if (verdict.verdict === 'invalid') {
      const reasons = node?.invalidReasons
        ? (context.definition.lists?.[node.invalidReasons] ?? [])
        : [];
      const issues: FieldIssue[] = [];
      if (reasons.length > 0 && !reasons.some((r) => r.value === verdict.reason)) {
        issues.push({
          pointer: '/reason',
          field: 'reason',
          code: 'NOT_AN_OPTION',
          message: {
            'zh-CN': `无效原因必须从预设列表中选择：${reasons.map((r) => r.label['zh-CN']).join('、')}`,
            en: `an invalid verdict needs one of the preset reasons: ${reasons.map((r) => r.value).join(', ')}`,
          },
        });
      }
      if (!verdict.note || verdict.note.trim() === '') {
        issues.push({
          pointer: '/note',
          field: 'note',
          code: 'REQUIRED',
          message: { 'zh-CN': '判定无效时必须填写说明', en: 'an invalid verdict needs a note' },
        });
      }
      if (issues.length > 0) {
        throw new BatonError(
          'VALIDATION_FAILED',
          400,
          issues.map((i) => `${i.pointer} ${i.message.en}`).join('; '),
          { issues },
        );
      }
    }
    await enqueueOutbox(tx, {
      topic: 'handover.verdict',
      workflowType: flowWorkflowType,
      workflowId: flowWorkflowId(context.space.key, flow.key, recordId),
      signalName: outboxEventSignalName,
      payload: {
        verdict: verdict.verdict,
        reason: verdict.reason ?? null,
        note: verdict.note ?? null,
        by: verdict.by ?? null,
      },
      start: false,
    });
  });
}

/** Marks a flow task done and tells its execution. */
export async function completeTask(
  db: Db,
  context: TableContext,
  recordId: string,
  taskId: string,
  by: string | null,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const task = await tx
      .updateTable('platform.tasks')
      .set({ status: 'done', completed_at: new Date(), completed_by: by })
      .where('id', '=', taskId)
      .where('space_id', '=', context.space.id)
      .where('record_id', '=', recordId)
      .where('status', '=', 'open')
      .returning(['flow_key'])
      .executeTakeFirst();
    if (!task) throw new NotFoundError('open task', taskId);
    if (task.flow_key) {
      await enqueueOutbox(tx, {
        topic: 'task.completed',
        workflowType: flowWorkflowType,
        workflowId: flowWorkflowId(context.space.key, task.flow_key, recordId),
        signalName: outboxEventSignalName,
        payload: { taskId, by },
        start: false,
      });
    }
  });
}

/** A record's timeline (flow nodes, timers, notifications, escalations, verdicts), oldest first. */
export async function recordTimeline(db: Db, context: TableContext, recordId: string) {
  await getRecordOrThrow(db, context, recordId, true);
  const rows = await db
    .selectFrom('platform.timeline')
    .select(['id', 'kind', 'data', 'at'])
    .where('space_id', '=', context.space.id)
    .where('subject', '=', recordSubject(context.table.key, recordId))
    .orderBy('id')
    .limit(5_000)
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, data: r.data, at: r.at.toISOString() }));
}

/** Plays a script against a published flow with the same step function the workflow runs. */
export function simulate(context: TableContext, flowKey: string, script: SimulationScript) {
  const flow = (context.definition.flows ?? []).find((f) => f.key === flowKey);
  if (!flow) throw new NotFoundError('flow', flowKey);
  const table = context.definition.tables.find((t) => t.key === flow.table)!;
  const compiled = compileFlow(flow, table.fields);
  if (!compiled.ok) {
    throw new BatonError('FLOW_INVALID', 422, `flow "${flowKey}" does not compile`, {
      issues: compiled.issues,
    });
  }
  return simulateFlow(compiled.value, script, createFlowClock(defaultCnCalendar()));
}
