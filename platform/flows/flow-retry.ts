// Retrying an execution that ended badly: restart it on the flow version it pinned, or reset it to
// its last completed workflow task. The record's timeline shows the retry.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import type { FlowState } from '../../runtime/flows/flow-types';
import { recordSubject } from '../../workflows/activities/flow-activities';
import {
  flowSearchAttributes,
  flowWorkflowId,
  flowWorkflowType,
  type FlowStart,
} from '../../workflows/flow-start';
import type { Db } from '../db/database';
import { BatonError, NotFoundError } from '../errors';
import { getRecordOrThrow } from '../records/record-service';
import type { TableContext } from '../records/table-context';

export interface RetryRequest {
  readonly flowKey: string;
  readonly recordId: string;
  /** `restart`: a new run from the start node on the pinned version; `reset`: replay to the last workflow task. */
  readonly mode: 'restart' | 'reset';
  readonly taskQueue: string;
  readonly by: string | null;
}

const EventType = protos.temporal.api.enums.v1.EventType;
const retryable = new Set(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT']);

/**
 * Retries the record's latest execution of a flow when it failed (Temporal failure, termination,
 * cancellation, time-out, or a flow that ended in its own `failed` state); 409 otherwise.
 * @example await retryExecution(db, client, context, { flowKey: 'golden_4_hours', recordId, mode: 'restart', taskQueue: 'baton', by: null })
 */
export async function retryExecution(
  db: Db,
  client: Client,
  context: TableContext,
  request: RetryRequest,
): Promise<{ workflowId: string; runId: string; mode: string }> {
  const workflowId = flowWorkflowId(context.space.key, request.flowKey, request.recordId);
  const handle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new NotFoundError('execution', workflowId);
    throw error;
  }
  const status = description.status.name;
  const endedInFailure =
    status === 'COMPLETED' &&
    ((await handle.result()) as FlowState | undefined)?.status === 'failed';
  if (!retryable.has(status) && !endedInFailure) {
    throw new BatonError(
      'EXECUTION_NOT_FAILED',
      409,
      `execution ${workflowId} is ${status.toLowerCase()}; only failed, terminated, cancelled or timed-out executions are retried / 只有失败、终止、取消或超时的执行可以重试`,
      { status },
    );
  }
  const namespace = client.options.namespace;
  const execution = { workflowId, runId: description.runId };
  let runId: string;
  if (request.mode === 'reset') {
    const history = await handle.fetchHistory();
    const lastTask = [...(history.events ?? [])]
      .reverse()
      .find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    if (!lastTask?.eventId) {
      throw new BatonError(
        'NOTHING_TO_RESET',
        409,
        `execution ${workflowId} never completed a workflow task; restart it instead`,
      );
    }
    const reset = await client.workflowService.resetWorkflowExecution({
      namespace,
      workflowExecution: execution,
      reason: `retried through Baton${request.by ? ` by ${request.by}` : ''}`,
      workflowTaskFinishEventId: lastTask.eventId,
      requestId: randomUUID(),
    });
    runId = reset.runId ?? '';
  } else {
    const first = await client.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution,
      maximumPageSize: 1,
    });
    const payload =
      first.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!payload) throw new Error(`execution ${workflowId} has no start input`);
    const pinned =
      client.options.loadedDataConverter.payloadConverter.fromPayload<FlowStart>(payload);
    const record = await getRecordOrThrow(db, context, request.recordId);
    const { resume: _resume, ...rest } = pinned;
    void _resume;
    const start: FlowStart = {
      ...rest,
      record,
      // A new run writes its own timeline and notifications; the pinned flow stays as it was.
      keyPrefix: `${workflowId}@${String(record.version)}#retry-${randomUUID().slice(0, 8)}`,
    };
    const started = await client.workflow.start(flowWorkflowType, {
      workflowId,
      taskQueue: request.taskQueue,
      args: [start],
      typedSearchAttributes: flowSearchAttributes(start),
    });
    runId = started.firstExecutionRunId;
  }
  await db
    .insertInto('platform.timeline')
    .values({
      space_id: context.space.id,
      subject: recordSubject(context.table.key, request.recordId),
      kind: 'flow.retried',
      data: {
        flow: request.flowKey,
        node: null,
        mode: request.mode,
        previousStatus: endedInFailure ? 'FLOW_FAILED' : status,
        previousRunId: description.runId,
        runId,
        by: request.by,
      },
      idempotency_key: `${workflowId}:retry:${runId}`,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  return { workflowId, runId, mode: request.mode };
}
