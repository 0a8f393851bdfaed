// Starts every part of Baton this process is configured to run, and stops them in reverse order.
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Worker } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import {
  connectTemporalClient,
  ensureSearchAttributes,
  type TemporalClientHandle,
} from '../workflows/client';
import { bundleBatonWorkflows, createBatonWorker } from '../workflows/worker';
import type { BatonConfig } from './config';
import { watchSpaceVersions } from './records/table-context';
import { watchPeople } from './auth/people-cache';
import { openDatabase, type Database } from './db/database';
import { migratePlatformOrThrow } from './db/migrate';
import { createFileStore } from './files/file-store';
import { systemActor } from './people/actor';
import { seedDemoData } from './templates/demo-data';
import { installTemplate } from './templates/install-template';
import { createTemplateCatalog } from './templates/template-catalog';
import { createApp } from './http/app';
import { ensureFirstAdmin } from './auth/login-service';
import { createEmailSender } from './notifications/email-channel';
import { loadNotificationSettings } from './notifications/notification-settings';
import type { Logger } from './logger';
import { createOutboxRelay } from './outbox/outbox-relay';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './services/embedded-postgres';
import { ensureTemporalTool } from './services/temporal-binary';
import {
  searchAttributes,
  startTemporalDevServer,
  type TemporalDevServerHandle,
} from './services/temporal-dev-server';

export interface RunningBaton {
  /** Where the HTTP server listens, when this process runs one. */
  readonly url: string | undefined;
  readonly temporalUiUrl: string | undefined;
  readonly startedInMs: number;
  /** Set once, on the start that created the first admin without BATON_ADMIN_PASSWORD. */
  readonly generatedAdmin?: { readonly email: string; readonly password: string };
  /** The space `--template` installed, and how many demo leads `--demo` added this time. */
  readonly templateSpace?: {
    readonly key: string;
    readonly template: string;
    readonly demoLeads?: number;
  };
  stop(): Promise<void>;
}

/**
 * Starts Baton. With no DATABASE_URL it runs embedded PostgreSQL, with no TEMPORAL_ADDRESS a
 * Temporal dev server, both with data under BATON_HOME; then migrations, the worker, the outbox
 * relay and the HTTP server, as the role asks. A failure part-way stops what already started.
 */
export async function startBaton(config: BatonConfig, logger: Logger): Promise<RunningBaton> {
  const started = performance.now();
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => logger.warn('stop failed', { error }));
    }
    stops.length = 0;
  };
  const runsWorker = config.role !== 'api';
  const runsApi = config.role !== 'worker';

  try {
    // allSettled, not all: when one service fails, the ones that did start must still be stopped.
    const [pgStarted, devServerStarted, bundled] = await Promise.allSettled([
      config.databaseUrl ? undefined : startPostgres(config, logger),
      config.temporalAddress ? undefined : startTemporal(config, logger),
      runsWorker ? bundleBatonWorkflows() : undefined,
    ]);
    const pg = pgStarted.status === 'fulfilled' ? pgStarted.value : undefined;
    const devServer = devServerStarted.status === 'fulfilled' ? devServerStarted.value : undefined;
    if (pg) stops.push(() => pg.stop());
    if (devServer) stops.push(() => devServer.stop());
    for (const started of [pgStarted, devServerStarted, bundled]) {
      if (started.status === 'rejected') throw describeFailure(started.reason);
    }
    const bundle = bundled.status === 'fulfilled' ? bundled.value : undefined;

    const database: Database = openDatabase(config.databaseUrl ?? pg!.url);
    stops.push(() => database.close());
    await migratePlatformOrThrow(database.db);
    stops.push(await watchSpaceVersions(database), await watchPeople(database));
    const firstAdmin = runsApi
      ? await ensureFirstAdmin(database.db, {
          email: config.adminEmail,
          password: config.adminPassword,
        })
      : undefined;
    if (firstAdmin) logger.info('first platform admin created', { email: firstAdmin.email });

    const address = config.temporalAddress ?? devServer!.address;
    const temporal: TemporalClientHandle = await connectTemporalClient(
      address,
      config.temporalNamespace,
    );
    stops.push(() => temporal.connection.close());
    await ensureSearchAttributes(
      temporal,
      config.temporalNamespace,
      searchAttributes.map((a) => a.split('=')[0]!),
    );

    let worker: Worker | undefined;
    if (runsWorker) {
      const created = await createBatonWorker({
        address,
        namespace: config.temporalNamespace,
        taskQueue: config.temporalTaskQueue,
        db: database.db,
        logger: logger.child({ component: 'worker' }),
        bundle,
        notifications: notificationDeps(process.env),
      });
      worker = created.worker;
      const running = worker.run();
      stops.push(() => stopWorker(created.worker, running, created.connection));
    }

    let url: string | undefined;
    let templateSpace: RunningBaton['templateSpace'];
    if (runsApi) {
      const relay = createOutboxRelay({
        database,
        temporal: temporal.client,
        taskQueue: config.temporalTaskQueue,
        logger: logger.child({ component: 'outbox-relay' }),
      });
      await relay.start();
      stops.push(() => relay.stop());

      const fileStore = createFileStore({ root: config.filesDir });
      const app = createApp({
        database,
        logger,
        designerDist: config.designerDist,
        files: {
          store: fileStore,
          maxUploadBytes: config.maxUploadBytes,
        },
        health: {
          temporal: () => temporal.client,
          taskQueue: config.temporalTaskQueue,
          localWorkerState: worker ? () => worker.getState() : undefined,
        },
        auth: config.auth,
      });
      const server = await listen(app.fetch, config.host, config.port);
      stops.push(() => closeServer(server));
      const shownHost =
        config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host;
      url = `http://${shownHost}:${config.port}`;
      if (config.template) {
        templateSpace = await installStartupTemplate(config, database, fileStore, logger);
      }
    }

    return {
      url,
      temporalUiUrl: devServer?.uiUrl,
      startedInMs: Math.round(performance.now() - started),
      ...(templateSpace && { templateSpace }),
      ...(firstAdmin?.generatedPassword && {
        generatedAdmin: { email: firstAdmin.email, password: firstAdmin.generatedPassword },
      }),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * `--template KEY [--demo]`: installs the pack into its space (publishing nothing when it is
 * already there) and, in demo mode, adds the demo leads once; staged leads' handovers are accepted
 * as soon as their executions reach them, so the worker must be running.
 */
async function installStartupTemplate(
  config: BatonConfig,
  database: Database,
  files: ReturnType<typeof createFileStore>,
  logger: Logger,
): Promise<{ key: string; template: string; demoLeads?: number }> {
  const { key, space, demo } = config.template!;
  const template = await createTemplateCatalog().getOrThrow(key);
  const actor = systemActor('start');
  const installed = await installTemplate(database.db, template, { space }, { actor });
  logger.info('template installed', { template: key, space, version: installed.version });
  if (!demo) return { key: space, template: key };
  const seeded = await seedDemoData(database.db, space, { files, settleHandoversMs: 30_000 });
  logger.info('demo data', { space, ...seeded });
  return { key: space, template: key, demoLeads: seeded.created };
}

async function startPostgres(config: BatonConfig, logger: Logger): Promise<EmbeddedPostgresHandle> {
  return startEmbeddedPostgres({
    dataDir: path.join(config.home, 'postgres'),
    port: config.embeddedPostgresPort,
    logger: logger.child({ component: 'postgres' }),
  });
}

async function startTemporal(
  config: BatonConfig,
  logger: Logger,
): Promise<TemporalDevServerHandle> {
  const executable = await ensureTemporalTool('cli');
  return startTemporalDevServer({
    executable,
    dataDir: path.join(config.home, 'temporal'),
    port: config.temporalDevPort,
    uiPort: config.temporalUiPort,
    namespace: config.temporalNamespace,
    logger: logger.child({ component: 'temporal' }),
  });
}

async function stopWorker(
  worker: Worker,
  running: Promise<void>,
  connection: NativeConnection,
): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
  await connection.close();
}

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections (SSE, browsers) must not hold shutdown open.
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

/** The e-mail sender when SMTP_URL is configured; in-app and robot notifications need nothing. */
function notificationDeps(env: Readonly<Record<string, string | undefined>>) {
  const settings = loadNotificationSettings(env);
  return settings.smtp ? { email: createEmailSender(settings.smtp) } : {};
}

/** Some libraries reject with a bare value (embedded-postgres with `undefined`); name the failure. */
function describeFailure(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  return new Error(
    `a service failed to start (${reason === undefined ? 'no reason given' : String(reason)}); see the logs above`,
  );
}
