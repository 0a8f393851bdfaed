// Relays committed outbox entries to Temporal with signal-with-start, at least once, in order.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import { lockPendingOutbox, type OutboxEntry } from './outbox-repository';

export interface OutboxRelayOptions {
  readonly database: Database;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly logger: Logger;
  readonly batchSize?: number;
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
      signal: entry.signalName,
      signalArgs: [event],
    });
  }

  async function deliverBatch(): Promise<number> {
    return database.db.transaction().execute(async (tx) => {
      const entries = await lockPendingOutbox(tx, batchSize);
      let delivered = 0;
      for (const entry of entries) {
        try {
          await deliver(entry);
        } catch (error) {
          // Keep order: stop at the first failure and retry this entry on the next pass.
          await tx
            .updateTable('platform.outbox')
            .set({ attempts: entry.attempts + 1, last_error: String(error).slice(0, 2000) })
            .where('seq', '=', entry.seq)
            .execute();
          logger.warn('outbox delivery failed', { seq: entry.seq, error: String(error) });
          break;
        }
        options.afterSignal?.(entry);
        await tx
          .updateTable('platform.outbox')
          .set({ delivered_at: new Date(), attempts: entry.attempts + 1, last_error: null })
          .where('seq', '=', entry.seq)
          .execute();
        delivered += 1;
      }
      return delivered;
    });
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const delivered = await deliverBatch();
      total += delivered;
      if (delivered < batchSize) return total;
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
