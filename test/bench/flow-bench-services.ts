// Everything the flow benchmark runs in one process: PostgreSQL, a Temporal dev server, the HTTP
// app, the Baton worker, a baseline worker and one outbox relay per task queue.
import { createRequire } from 'node:module';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import {
  bundleWorkflowCode,
  NativeConnection,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { openDatabase, type Database } from '../../platform/db/database';
import { migratePlatformOrThrow } from '../../platform/db/migrate';
import { createFileStore } from '../../platform/files/file-store';
import { createApp } from '../../platform/http/app';
import { seedTestUser } from '../support/test-auth';
import { createLogger } from '../../platform/logger';
import { createOutboxRelay, type OutboxRelay } from '../../platform/outbox/outbox-relay';
import { startEmbeddedPostgres } from '../../platform/services/embedded-postgres';
import { ensureTemporalTool } from '../../platform/services/temporal-binary';
import { startTemporalDevServer } from '../../platform/services/temporal-dev-server';
import { connectTemporalClient, type TemporalClientHandle } from '../../workflows/client';
import { bundleBatonWorkflows, createBatonWorker } from '../../workflows/worker';
import { freePort } from '../support/free-port';
import { createBenchActivities } from './flow-bench-activities';
import { createCpuMeter, type CpuSample } from './flow-bench-cpu';

const require = createRequire(import.meta.url);
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export const interpreterQueue = 'baton';
export const baselineQueue = 'bench-baseline';

export interface BenchServices {
  readonly baseUrl: string;
  /** `Bearer …` of a platform admin seeded for the bench. */
  readonly authorization: string;
  readonly database: Database;
  readonly temporal: TemporalClientHandle;
  readonly temporalExecutable: string;
  /** Samples the CPU time used so far by this process, Temporal and PostgreSQL. */
  readonly cpu: () => CpuSample;
  /** The relay delivering to each task queue; only one runs at a time (they share the outbox). */
  readonly relays: Readonly<Record<typeof interpreterQueue | typeof baselineQueue, OutboxRelay>>;
  /** The workflow code each queue's worker runs, for replays. */
  readonly bundles: Readonly<
    Record<typeof interpreterQueue | typeof baselineQueue, WorkflowBundleWithSourceMap>
  >;
  stop(): Promise<void>;
}

/** Starts everything in a fresh temporary folder; `stop()` ends it all and removes the folder. */
export async function startBenchServices(): Promise<BenchServices> {
  const logger = createLogger('warn', { component: 'flow-bench' });
  const home = await mkdtemp(path.join(os.tmpdir(), 'baton-bench-flow-'));
  // As root, PostgreSQL runs as its own user, which must be able to enter the folder.
  await chmod(home, 0o755);
  const stops: Array<() => Promise<unknown>> = [() => rm(home, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((e: unknown) => logger.warn(String(e)));
    stops.length = 0;
  };
  try {
    const [pgPort, temporalPort, httpPort, executable] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      ensureTemporalTool('cli'),
    ]);
    const [pg, server, batonBundle, baselineBundle] = await Promise.all([
      startEmbeddedPostgres({ dataDir: path.join(home, 'postgres'), port: pgPort, logger }),
      startTemporalDevServer({
        executable,
        dataDir: path.join(home, 'temporal'),
        port: temporalPort,
        uiPort: 0,
        namespace: 'default',
        logger,
      }),
      bundleBatonWorkflows(),
      bundleWorkflowCode({
        workflowsPath: require.resolve('./flow-bench-workflows.ts'),
        logger: quiet,
      }),
    ]);
    stops.push(
      () => pg.stop(),
      () => server.stop(),
    );

    const database = openDatabase(pg.url);
    stops.push(() => database.close());
    await migratePlatformOrThrow(database.db);
    const temporal = await connectTemporalClient(server.address, 'default');
    stops.push(() => temporal.connection.close());

    const baton = await createBatonWorker({
      address: server.address,
      namespace: 'default',
      taskQueue: interpreterQueue,
      db: database.db,
      logger,
      bundle: batonBundle,
    });
    const baselineConnection = await NativeConnection.connect({ address: server.address });
    const baseline = await Worker.create({
      connection: baselineConnection,
      namespace: 'default',
      taskQueue: baselineQueue,
      workflowBundle: baselineBundle,
      activities: createBenchActivities(database.db),
    });
    for (const [worker, connection] of [
      [baton.worker, baton.connection],
      [baseline, baselineConnection],
    ] as const) {
      const running = worker.run();
      stops.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
      });
    }

    const relay = (taskQueue: string) =>
      createOutboxRelay({ database, temporal: temporal.client, taskQueue, logger });
    const relays = {
      [interpreterQueue]: relay(interpreterQueue),
      [baselineQueue]: relay(baselineQueue),
    };
    stops.push(() => Promise.all(Object.values(relays).map((r) => r.stop())));

    const app = createApp({
      database,
      logger,
      files: {
        store: createFileStore({ root: path.join(home, 'files') }),
        maxUploadBytes: 5 * 1024 * 1024,
      },
      health: { temporal: () => temporal.client, taskQueue: interpreterQueue },
    });
    const http = await listen(app.fetch, httpPort);
    stops.push(() => closeServer(http));
    const admin = await seedTestUser(database.db);

    return {
      baseUrl: `http://127.0.0.1:${httpPort}`,
      authorization: admin.headers.authorization,
      database,
      temporal,
      temporalExecutable: executable,
      cpu: createCpuMeter(server.pid, pg.dataDir),
      relays,
      bundles: { [interpreterQueue]: batonBundle, [baselineQueue]: baselineBundle },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number) {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port }, () => resolve(server));
    server.once('error', reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}
