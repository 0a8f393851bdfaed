// What a test of flows through the outbox runs on: its own database, a Temporal worker on its own
// task queue and an outbox relay (with its own client) on the shared dev server, and the app
// in-process with a JSON client.
import { inject } from 'vitest';
import { createLogger } from '../../platform/logger';
import { createOutboxRelay, type OutboxRelay } from '../../platform/outbox/outbox-relay';
import { connectTemporalClient, type TemporalClientHandle } from '../../workflows/client';
import { apiClient } from './api-client';
import { createTestApp } from './test-app';
import { createTestDatabase, type TestDatabase } from './test-database';
import { startTestTemporal, type TestTemporal } from './test-temporal';

export interface FlowTestStack {
  readonly target: TestDatabase;
  readonly temporal: TestTemporal;
  /** The relay's Temporal client (the worker has its own). */
  readonly handle: TemporalClientHandle;
  readonly relay: OutboxRelay;
  readonly app: ReturnType<typeof createTestApp>;
  readonly api: ReturnType<typeof apiClient>;
  /** Stops the relay, the clients and the worker, then drops the database. */
  close(): Promise<void>;
}

/**
 * Starts the stack; `worker` passes notification channels or a task queue to the worker.
 * @example const stack = await startFlowTestStack(); await stack.api.expect(201, 'POST', '/api/spaces', body)
 */
export async function startFlowTestStack(
  options: { worker?: Parameters<typeof startTestTemporal>[1] } = {},
): Promise<FlowTestStack> {
  const target = await createTestDatabase();
  const temporal = await startTestTemporal(target.database.db, options.worker);
  const handle = await connectTemporalClient(inject('temporalAddress'), 'default');
  const relay = createOutboxRelay({
    database: target.database,
    temporal: handle.client,
    taskQueue: temporal.taskQueue,
    logger: createLogger('error'),
    pollIntervalMs: 100,
  });
  await relay.start();
  const app = createTestApp({
    database: target.database,
    health: { temporal: () => temporal.client, taskQueue: temporal.taskQueue },
  });
  return {
    target,
    temporal,
    handle,
    relay,
    app,
    api: apiClient(app),
    async close() {
      await relay.stop();
      await handle.connection.close();
      await temporal.close();
      await target.drop();
    },
  };
}
