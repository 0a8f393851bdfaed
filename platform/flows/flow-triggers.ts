// Starts of flows that no record write triggers: a person (manual) and a signed webhook. Both go
// through the outbox in one transaction with the checks, so each request starts at most one execution.
import type { Context } from 'hono';
import type { FlowDefinition } from '../../runtime/flows/flow-schema';
import { flowWorkflowId } from '../../workflows/flow-start';
import type { Db } from '../db/database';
import { BatonError, NotFoundError } from '../errors';
import { verifyDelivery } from '../intake/intake-signature';
import { validIntakeSecrets } from '../intake/intake-secrets';
import { IntakeSignatureError, SignatureReplayedError } from '../intake/intake-errors';
import { jsonParam } from '../records/record-repository';
import { assertRecordAction } from '../permissions/record-guard';
import { requestTableAccess } from '../permissions/request-access';
import { enqueueFlowStart } from '../records/record-flows';
import { getRecordOrThrow } from '../records/record-service';
import { resolveTable, type TableContext } from '../records/table-context';
import { getSpaceOrThrow } from '../spaces/space-repository';
import { getPublished } from '../definitions/definition-store';

/** Headers of a signed flow webhook, as intake sources sign theirs. */
export const flowWebhookSignatureHeader = 'x-baton-signature';
export const flowWebhookTimestampHeader = 'x-baton-timestamp';
const webhookToleranceSeconds = 300;

/** The secret name a flow's webhook is signed with (rotated like intake secrets). */
export function flowWebhookSecretName(flowKey: string): string {
  return `flow:${flowKey}`;
}

/** The published flow `flowKey` of a space and the context of its table; 404 when missing. */
export async function resolveFlow(
  db: Db,
  spaceKey: string,
  flowKey: string,
): Promise<{ flow: FlowDefinition; context: TableContext }> {
  const space = await getSpaceOrThrow(db, spaceKey);
  const published = await getPublished(db, space.id);
  const flow = published.definition.flows?.find((f) => f.key === flowKey);
  if (!flow) throw new NotFoundError('flow', flowKey);
  return { flow, context: await resolveTable(db, spaceKey, flow.table) };
}

function assertTrigger(flow: FlowDefinition, on: 'manual' | 'webhook'): void {
  if (flow.trigger.on !== on) {
    throw new BatonError(
      'FLOW_TRIGGER_MISMATCH',
      409,
      `flow "${flow.key}" starts on ${flow.trigger.on}, not ${on} / 流程「${flow.key}」的触发方式是 ${flow.trigger.on}，不是 ${on}`,
      { trigger: flow.trigger.on },
    );
  }
}

/**
 * The permission hook for starting a flow by hand: whoever may update the record may start a
 * manual flow on it (the permissions module decides scopes and roles).
 */
export async function assertMayStartFlow(
  c: Context,
  db: Db,
  context: TableContext,
  recordId: string,
): Promise<void> {
  const access = await requestTableAccess(c, db, context);
  await assertRecordAction(db, context, access, 'update', recordId);
}

/** Writes the outbox start of `flow` for the live record `recordId`; answers the workflow id. */
async function enqueueStart(
  db: Db,
  context: TableContext,
  flow: FlowDefinition,
  recordId: string,
  topic: string,
): Promise<string> {
  await db.transaction().execute(async (tx) => {
    const record = await getRecordOrThrow(tx, context, recordId);
    await enqueueFlowStart(tx, context, flow.key, record, topic);
  });
  return flowWorkflowId(context.space.key, flow.key, recordId);
}

/** A person starts a manual flow on a record (after `assertMayStartFlow`). */
export async function startManualFlow(
  db: Db,
  flow: FlowDefinition,
  context: TableContext,
  recordId: string,
): Promise<string> {
  assertTrigger(flow, 'manual');
  return enqueueStart(db, context, flow, recordId, 'flow.manual');
}

/**
 * A signed webhook starts a flow on the record its JSON body names (`{"recordId": "…"}`): HMAC-SHA256
 * over `${timestamp}.${body}` with the flow's secret, within five minutes. Each delivery (its
 * signature, or its Idempotency-Key) starts the flow at most once; repeats answer `replay: true`.
 */
export async function startWebhookFlow(
  db: Db,
  flow: FlowDefinition,
  context: TableContext,
  delivery: { body: Uint8Array; header: (name: string) => string | undefined },
): Promise<{ workflowId: string; replay: boolean }> {
  assertTrigger(flow, 'webhook');
  const now = new Date();
  const check = (secrets: readonly string[]) =>
    verifyDelivery(
      {
        body: delivery.body,
        signature: delivery.header(flowWebhookSignatureHeader),
        timestamp: delivery.header(flowWebhookTimestampHeader),
      },
      secrets,
      {
        signatureHeader: flowWebhookSignatureHeader,
        timestampHeader: flowWebhookTimestampHeader,
        toleranceSeconds: webhookToleranceSeconds,
      },
      now,
    );
  const name = flowWebhookSecretName(flow.key);
  try {
    check(await validIntakeSecrets(db, context.space.id, name, now));
  } catch (error) {
    if (!(error instanceof IntakeSignatureError)) throw error;
    // A rotation in another process: look once more past the cache.
    check(await validIntakeSecrets(db, context.space.id, name, now, { fresh: true }));
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(delivery.body));
  } catch {
    throw new BatonError('BODY_NOT_JSON', 400, 'the webhook body must be JSON / 请求体必须是 JSON');
  }
  const recordId = (body as { recordId?: unknown } | null)?.recordId;
  if (
    typeof recordId !== 'string' ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(recordId)
  ) {
    throw new BatonError(
      'VALIDATION_FAILED',
      400,
      '/recordId must be a record id (uuid) / recordId 必须是记录 ID',
    );
  }
  // A signature names one delivery: the first claims it (with the Idempotency-Key, when sent) in
  // the transaction that writes the start; a repeat — a sender's retry, or a captured request sent
  // again — starts nothing, even after the execution has finished.
  const signature = delivery.header(flowWebhookSignatureHeader)!.trim().toLowerCase();
  const key = delivery.header('idempotency-key')?.trim() || `sig:${signature}`;
  const workflowId = flowWorkflowId(context.space.key, flow.key, recordId);
  const claim = { space_id: context.space.id, source: name, idempotency_key: key };
  const replay = await db.transaction().execute(async (tx) => {
    const claimed = await tx
      .insertInto('platform.intake_deliveries')
      .values({ ...claim, status: 202, response: jsonParam({ workflowId }), signature })
      .onConflict((oc) => oc.columns(['space_id', 'source', 'idempotency_key']).doNothing())
      .returning('status')
      .executeTakeFirst()
      .catch((error: unknown) => {
        const e = error as { code?: unknown };
        if (e?.code === '23505') throw new SignatureReplayedError();
        throw error;
      });
    if (!claimed) return true;
    const record = await getRecordOrThrow(tx, context, recordId);
    await enqueueFlowStart(tx, context, flow.key, record, 'flow.webhook');
    return false;
  });
  return { workflowId, replay };
}
