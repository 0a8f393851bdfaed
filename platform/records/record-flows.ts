// Hands record changes to flows through the outbox, in the transaction that makes the change.
import { randomBytes } from 'node:crypto';
import { compileCel, type CompiledCel } from '../../runtime/cel/compile-cel';
import type { FlowDefinition } from '../../runtime/flows/flow-schema';
import { defaultCnCalendar } from '../../runtime/time/cn-holidays';
import { flowWorkflowId, flowWorkflowType, type FlowStart } from '../../workflows/flow-start';
import { outboxEventSignalName } from '../../workflows/shared';
import { BatonError } from '../errors';
import { enqueueOutbox, type OutboxMessage } from '../outbox/outbox-repository';
import type { Tx } from './record-repository';
import type { RecordJson } from './record-values';
import type { TableContext } from './table-context';

const conditions = new WeakMap<FlowDefinition, CompiledCel | null>();

function flowsOf(context: TableContext): FlowDefinition[] {
  return (context.definition.flows ?? []).filter((f) => f.table === context.table.key);
}

function updateCondition(context: TableContext, flow: FlowDefinition): CompiledCel | null {
  if (flow.trigger.on !== 'record.updated' || !flow.trigger.when) return null;
  if (!conditions.has(flow)) {
    const compiled = compileCel(
      flow.trigger.when,
      { record: context.table.fields, old: true },
      { expect: 'bool' },
    );
    // Publish type-checked it; a failure here means a corrupted version.
    if (!compiled.ok) throw new Error(`flow ${flow.key} trigger does not compile`);
    conditions.set(flow, compiled.value);
  }
  return conditions.get(flow) ?? null;
}

let calendar: ReturnType<typeof defaultCnCalendar> | undefined;

/** The default calendar, built once: every start argument holds the same object (see enqueueOutboxBatch). */
function cnCalendar(): ReturnType<typeof defaultCnCalendar> {
  calendar ??= defaultCnCalendar();
  return calendar;
}

/** `BATON_FLOW_HISTORY_LIMIT`: history events after which an execution continues as new. */
function historyLimit(): { historyLimit?: number } {
  const value = Number(process.env.BATON_FLOW_HISTORY_LIMIT);
  return Number.isInteger(value) && value >= 50 ? { historyLimit: value } : {};
}

function startArgs(
  context: TableContext,
  flow: FlowDefinition,
  record: RecordJson,
  runKey = '',
): FlowStart {
  const workflowId = flowWorkflowId(context.space.key, flow.key, String(record.id));
  return {
    spaceId: context.space.id,
    spaceKey: context.space.key,
    tableKey: context.table.key,
    recordId: String(record.id),
    flowKey: flow.key,
    keyPrefix: `${workflowId}@${String(record.version)}${runKey}`,
    definitionVersion: context.version,
    flow,
    fields: context.table.fields,
    ...historyLimit(),
    // The zh-CN working calendar until spaces configure their own.
    calendar: cnCalendar(),
    record,
  };
}

/**
 * Writes the outbox entries for a created or updated record: signal-with-start for flows whose
 * trigger matches (the execution pins this definition version), a plain signal for the rest so
 * running executions see the change.
 */
export async function enqueueFlowEvents(
  tx: Tx,
  context: TableContext,
  before: RecordJson | null,
  after: RecordJson,
  now: Date,
  form?: string,
): Promise<void> {
  for (const message of flowEventMessages(context, before, after, now, form)) {
    await enqueueOutbox(tx, message);
  }
}

/**
 * The outbox entries `enqueueFlowEvents` writes, one per flow of the table that starts or hears of
 * the change. Imports insert a batch's entries with one statement.
 */
export function flowEventMessages(
  context: TableContext,
  before: RecordJson | null,
  after: RecordJson,
  now: Date,
  form?: string,
): OutboxMessage[] {
  const messages: OutboxMessage[] = [];
  for (const flow of flowsOf(context)) {
    const workflowId = flowWorkflowId(context.space.key, flow.key, String(after.id));
    const topic = before === null ? 'record.created' : 'record.updated';
    let starts = false;
    if (flow.trigger.on === 'form.submitted')
      starts = form !== undefined && flow.trigger.form === form;
    else if (before === null) starts = flow.trigger.on === 'record.created';
    else if (flow.trigger.on === 'record.updated') {
      const condition = updateCondition(context, flow);
      const result = condition?.evaluate({ record: after, old: before, now });
      starts = condition === null || (result?.ok === true && result.value === true);
    }
    if (before === null && !starts) continue;
    messages.push({
      topic,
      workflowType: flowWorkflowType,
      workflowId,
      signalName: outboxEventSignalName,
      payload: { record: after },
      ...(starts
        ? { workflowArgs: [startArgs(context, flow, after)], start: true }
        : { start: false }),
    });
  }
  return messages;
}

/** 409 while a handover of a running flow holds the record; flows themselves may still write. */
export async function assertNotFrozen(
  tx: Tx,
  context: TableContext,
  recordId: string,
): Promise<void> {
  const freeze = await tx
    .selectFrom('platform.record_freezes')
    .select(['flow_key', 'node', 'since'])
    .where('space_id', '=', context.space.id)
    .where('table_key', '=', context.table.key)
    .where('record_id', '=', recordId)
    .executeTakeFirst();
  if (freeze) {
    throw new BatonError(
      'HANDOVER_PENDING',
      409,
      `the record is frozen until the handover "${freeze.node}" of flow "${freeze.flow_key}" gets a verdict`,
      { flow: freeze.flow_key, node: freeze.node, since: freeze.since.toISOString() },
    );
  }
}

/**
 * Starts a flow for a record through the outbox: on behalf of a rule (e.g. a score threshold's
 * `startFlow`), a person (manual), a webhook or a schedule. Signal-with-start on the workflow id
 * space/flow/record: while an execution of the flow runs for the record, no second one starts.
 */
export async function enqueueFlowStart(
  tx: Tx,
  context: TableContext,
  flowKey: string,
  record: RecordJson,
  topic = 'rules.start_flow',
): Promise<void> {
  const message = flowStartMessage(context, flowKey, record, topic);
  if (message) await enqueueOutbox(tx, message);
}

/** The outbox entry `enqueueFlowStart` writes; undefined when the table has no such flow. */
export function flowStartMessage(
  context: TableContext,
  flowKey: string,
  record: RecordJson,
  topic = 'rules.start_flow',
): OutboxMessage | undefined {
  const flow = flowsOf(context).find((f) => f.key === flowKey);
  if (!flow) return undefined;
  return {
    topic,
    workflowType: flowWorkflowType,
    workflowId: flowWorkflowId(context.space.key, flow.key, String(record.id)),
    signalName: outboxEventSignalName,
    payload: { record },
    // A record may run a flow again later at the same version: its keys must not repeat.
    workflowArgs: [
      startArgs(
        context,
        flow,
        record,
        topic === 'rules.start_flow' ? '' : `#${randomBytes(6).toString('hex')}`,
      ),
    ],
    start: true,
  };
}
