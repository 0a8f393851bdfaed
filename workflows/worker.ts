// Bootstraps the Temporal worker that runs every Baton workflow and activity.
import { createRequire } from 'node:module';
import {
  bundleWorkflowCode,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Db } from '../platform/db/database';
import type { Logger } from '../platform/logger';
import type { NotificationDeps } from '../platform/notifications/send-notification';
import { createFlowActivities } from './activities/flow-activities';
import { createReportActivities } from './activities/report-activities';
import { createRuleActivities } from './activities/rule-activities';
import { createScheduleActivities } from './activities/schedule-activities';
import { createSpaceActivities } from './activities/space-activities';

const require = createRequire(import.meta.url);

export interface BatonWorkerOptions {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly db: Db;
  readonly logger: Logger;
  /** A bundle made earlier (tests share one); bundled on demand otherwise. */
  readonly bundle?: WorkflowBundleWithSourceMap;
  /** E-mail sender and group robot for notifications (in-app works without). */
  readonly notifications?: Omit<NotificationDeps, 'db'>;
}

let runtimeInstalled = false;

/** Routes the SDK's own logs through Baton's JSON logger; the SDK allows this once per process. */
export function installTemporalRuntime(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    // Baton's main stops the worker itself, in order with everything else it started.
    shutdownSignals: [],
    logger: {
      log: (level, message, meta) => {
        const at = level === 'ERROR' ? 'error' : level === 'WARN' ? 'warn' : 'debug';
        logger[at](message, { component: 'temporal-sdk', ...meta });
      },
      trace: (message, meta) => logger.debug(message, meta),
      debug: (message, meta) => logger.debug(message, meta),
      info: (message, meta) => logger.debug(message, meta),
      warn: (message, meta) => logger.warn(message, meta),
      error: (message, meta) => logger.error(message, meta),
    },
  });
}

/** Bundles the workflow code once (about a second); the worker runs it in its sandbox. */
export async function bundleBatonWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows/index.ts'),
    logger: {
      log: () => {},
      trace: () => {},
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: () => {},
    },
  });
}

/**
 * Connects and creates the worker; call `run()` on the result and `shutdown()` to stop it.
 */
export async function createBatonWorker(options: BatonWorkerOptions): Promise<{
  readonly worker: Worker;
  readonly connection: NativeConnection;
}> {
  installTemporalRuntime(options.logger);
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.bundle ?? (await bundleBatonWorkflows()),
    activities: {
      ...createSpaceActivities({ db: options.db }),
      ...createRuleActivities({
        db: options.db,
        notifications: options.notifications ?? {},
        logger: options.logger,
      }),
      ...createScheduleActivities({ db: options.db, logger: options.logger }),
      ...createFlowActivities({
        db: options.db,
        notifications: options.notifications ?? {},
        logger: options.logger,
      }),
      ...createReportActivities({
        db: options.db,
        notifications: options.notifications ?? {},
        logger: options.logger,
      }),
    },
  });
  return { worker, connection };
}
