// The relay delivers with several calls in flight, yet each workflow receives its entries in
// sequence order (checked in the real Temporal histories), and a refused entry holds back only
// the later entries of its own workflow.
import { randomBytes } from 'node:crypto';
import protos from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger';
import { createOutboxRelay } from '../../platform/outbox/outbox-relay';
import { enqueueOutbox } from '../../platform/outbox/outbox-repository';
import { outboxEventSignalName, type OutboxEvent } from '../../workflows/shared';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestTemporal, type TestTemporal } from '../support/test-temporal';

const lanes = 6;
const perLane = 15;

describe('outbox relay with calls in flight', () => {
  let target: TestDatabase;
  let temporal: TestTemporal;
  const prefix = `order-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    target = await createTestDatabase();
    temporal = await startTestTemporal(target.database.db);
  });
  afterAll(async () => {
    for (let lane = 0; lane < lanes + 1; lane++) {
      await temporal.client.workflow
        .getHandle(`${prefix}/${lane}`)
        .terminate('test done')
        .catch(() => {});
    }
    await temporal?.close();
    await target?.drop();
  });

  /**
   * The outbox sequence numbers a workflow received, in the order its history recorded them (once
   * `count` are there: signals arriving during a workflow task are written when it completes).
   */
  async function received(workflowId: string, count = 1): Promise<string[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const seqs = await signalled(workflowId);
      if (seqs.length >= count || Date.now() > deadline) return seqs;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function signalled(workflowId: string): Promise<string[]> {
    const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? [])
      .filter(
        (e) =>
          e.eventType ===
          protos.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
      )
      .map(
        (e) =>
          defaultPayloadConverter.fromPayload<OutboxEvent>(
            e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!,
          ).seq,
      );
  }

  it('keeps per-workflow order while delivering workflows concurrently', async () => {
    const expected = new Map<string, string[]>();
    // Interleaved across workflows, as record writes of many records are.
    await target.database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < perLane; i++) {
        for (let lane = 0; lane < lanes; lane++) {
          const workflowId = `${prefix}/${lane}`;
          const seq = await enqueueOutbox(tx, {
            topic: 'test.order',
            workflowType: 'spaceLifecycleWorkflow',
            workflowId,
            signalName: outboxEventSignalName,
            payload: { i },
          });
          expected.set(workflowId, [...(expected.get(workflowId) ?? []), seq]);
        }
      }
    });
    const relay = createOutboxRelay({
      database: target.database,
      temporal: temporal.client,
      taskQueue: temporal.taskQueue,
      logger: createLogger('error'),
      concurrency: 8,
      batchSize: 40,
    });
    expect(await relay.drain()).toBe(lanes * perLane);
    for (const [workflowId, seqs] of expected) {
      expect(await received(workflowId, seqs.length)).toEqual(seqs);
    }
  });

  it('holds back only the later entries of a workflow whose entry Temporal refused', async () => {
    const blocked = `${prefix}/${lanes}`;
    const other = `${prefix}/0`;
    const seqs = await target.database.db.transaction().execute(async (tx) => {
      const entry = (workflowId: string, workflowType: string) =>
        enqueueOutbox(tx, {
          topic: 'test.order',
          workflowType,
          workflowId,
          signalName: outboxEventSignalName,
          payload: {},
        });
      // A signal Temporal rejects: a payload over the server's 2 MB blob limit.
      const refused = await enqueueOutbox(tx, {
        topic: 'test.order',
        workflowType: 'spaceLifecycleWorkflow',
        workflowId: blocked,
        signalName: outboxEventSignalName,
        payload: { big: 'x'.repeat(3 * 1024 * 1024) },
      });
      return {
        refused,
        after: await entry(blocked, 'spaceLifecycleWorkflow'),
        other: await entry(other, 'spaceLifecycleWorkflow'),
      };
    });
    const relay = createOutboxRelay({
      database: target.database,
      temporal: temporal.client,
      taskQueue: temporal.taskQueue,
      logger: createLogger('error'),
    });
    expect(await relay.drain()).toBe(1);
    const rows = await target.database.db
      .selectFrom('platform.outbox')
      .select(['seq', 'delivered_at', 'attempts'])
      .where('seq', 'in', [seqs.refused, seqs.after, seqs.other])
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => [r.delivered_at !== null, r.attempts])).toEqual([
      [false, 1],
      [false, 0],
      [true, 1],
    ]);
    expect((await received(other, perLane + 1)).at(-1)).toBe(seqs.other);
  });
});
