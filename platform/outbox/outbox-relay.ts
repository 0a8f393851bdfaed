// Relays committed outbox entries to Temporal with signal-with-start, at least once, in order.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import {
  flowSearchAttributes,
  flowWorkflowType,
  type FlowExecutionRef,
} from '../../workflows/flow-start';
import { lockPendingOutbox, type OutboxEntry } from './outbox-repository';

/** Flow executions carry search attributes (space, flow, table, record) from their start. */
function searchAttributesOf(entry: OutboxEntry) {
  const start = entry.workflowArgs?.[0] as FlowExecutionRef | undefined;
  if (entry.workflowType !== flowWorkflowType || !start?.spaceKey) return undefined;
  return flowSearchAttributes(start);
}

export interface OutboxRelayOptions {
  readonly database: Database;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly logger: Logger;
  readonly batchSize?: number;
  /** Temporal calls in flight at once (entries of one workflow still go one at a time). */
  readonly concurrency?: number;
  /** Fallback poll when no notification arrives (e.g. while LISTEN reconnects). */
  readonly pollIntervalMs?: number;
  /**
   * Called after an entry was signalled and before its delivery is recorded. Tests throw here to
   * simulate a relay killed between delivery and bookkeeping.
   */
  readonly afterSignal?: (entry: OutboxEntry) => void;
}

export interface OutboxRelay {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Delivers everything pending now; resolves with the number delivered. */
  drain(): Promise<number>;
  readonly running: boolean;
}

/**
 * Creates the relay. Delivery is at least once: an entry is marked delivered only after Temporal
 * accepted the signal, in the transaction that locked it. Receivers deduplicate by `seq`.
 * @example const relay = createOutboxRelay({ database, temporal, taskQueue: 'baton', logger }); await relay.start();
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { database, temporal, taskQueue, logger } = options;
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 16;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  let running = false;
  let wake: (() => void) | undefined;
  // Set by a notification that arrives mid-pass, so the loop runs again instead of sleeping.
  let kicked = false;
  let loop: Promise<void> | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  async function deliver(entry: OutboxEntry): Promise<void> {
    const event = { seq: entry.seq, topic: entry.topic, payload: entry.payload };
    if (entry.start === false) {
      try {
        await temporal.workflow.getHandle(entry.workflowId).signal(entry.signalName, event);
      } catch (error) {
        // Nothing runs for this record and flow: there is nobody to tell, which is not a failure.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      return;
    }
    await temporal.workflow.signalWithStart(entry.workflowType, {
      workflowId: entry.workflowId,
      taskQueue,
      args: [...(entry.workflowArgs ?? [])],
      typedSearchAttributes: searchAttributesOf(entry),
      signal: entry.signalName,
      signalArgs: [event],
    });
  }

  /**
   * Delivers one batch: entries of different workflows go out concurrently (up to `concurrency`
   * calls in flight), entries of one workflow strictly one after the other in sequence order. A
   * failed entry holds back the later entries of its workflow until the next pass; the others go on.
   */
  async function deliverBatch(): Promise<{ locked: number; delivered: number; failed: number }> {
    return database.db.transaction().execute(async (tx) => {
      const entries = await lockPendingOutbox(tx, batchSize);
      const lanes = new Map<string, OutboxEntry[]>();
      for (const entry of entries) {
        const lane = lanes.get(entry.workflowId);
        if (lane) lane.push(entry);
        else lanes.set(entry.workflowId, [entry]);
      }
      const delivered: OutboxEntry[] = [];
      const failed: Array<{ entry: OutboxEntry; error: unknown }> = [];
      const queue = [...lanes.values()];
      const runLane = async () => {
        for (let lane = queue.shift(); lane; lane = queue.shift()) {
          for (const entry of lane) {
            try {
              await deliver(entry);
            } catch (error) {
              failed.push({ entry, error });
              break;
            }
            options.afterSignal?.(entry);
            delivered.push(entry);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, runLane));
      for (const { entry, error } of failed) {
        await tx
          .updateTable('platform.outbox')
          .set({ attempts: entry.attempts + 1, last_error: String(error).slice(0, 2000) })
          .where('seq', '=', entry.seq)
          .execute();
        logger.warn('outbox delivery failed', { seq: entry.seq, error: String(error) });
      }
      if (delivered.length > 0) {
        await tx
          .updateTable('platform.outbox')
          .set((eb) => ({
            delivered_at: new Date(),
            attempts: eb('attempts', '+', 1),
            last_error: null,
          }))
          .where(
            'seq',
            'in',
            delivered.map((e) => e.seq),
          )
          .execute();
      }
      return { locked: entries.length, delivered: delivered.length, failed: failed.length };
    });
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const pass = await deliverBatch();
      total += pass.delivered;
      // Failed entries wait for the next pass (the poll or a notification), not a hot loop.
      if (pass.locked < batchSize || pass.failed > 0) return total;
    }
  }

  async function run(): Promise<void> {
    while (running) {
      kicked = false;
      try {
        await drain();
      } catch (error) {
        logger.warn('outbox relay pass failed', { error: String(error) });
      }
      if (!running) break;
      if (kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    get running() {
      return running;
    },
    async start() {
      if (running) return;
      running = true;
      try {
        const sub = await database.sql.listen('baton_outbox', () => {
          kicked = true;
          wake?.();
        });
        unlisten = () => sub.unlisten();
      } catch (error) {
        logger.warn('outbox LISTEN unavailable, polling only', { error: String(error) });
      }
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      await unlisten?.().catch(() => {});
      unlisten = undefined;
    },
    drain,
  };
}
