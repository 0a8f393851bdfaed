// A real Temporal client and worker on a task queue of the test file's own.
import { randomBytes } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { Db } from '../../platform/db/database';
import { createLogger } from '../../platform/logger';
import { connectTemporalClient, type TemporalClientHandle } from '../../workflows/client';
import type { NotificationDeps } from '../../platform/notifications/send-notification';
import { createBatonWorker } from '../../workflows/worker';

export interface TestTemporal extends TemporalClientHandle {
  readonly taskQueue: string;
  readonly worker: Worker;
  close(): Promise<void>;
}

/** Connects to the shared dev server and runs a Baton worker against `db`. */
export async function startTestTemporal(
  db: Db,
  options: { notifications?: Omit<NotificationDeps, 'db'>; taskQueue?: string } = {},
): Promise<TestTemporal> {
  const address = inject('temporalAddress');
  const taskQueue = options.taskQueue ?? `test-${randomBytes(6).toString('hex')}`;
  const logger = createLogger('error');
  const handle = await connectTemporalClient(address, 'default');
  const { worker, connection } = await createBatonWorker({
    address,
    namespace: 'default',
    taskQueue,
    db,
    logger,
    notifications: options.notifications,
  });
  const running = worker.run();
  return {
    ...handle,
    taskQueue,
    worker,
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await handle.connection.close();
    },
  };
}
