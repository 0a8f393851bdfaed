// Starts one real PostgreSQL and one real Temporal dev server for a whole test run.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../platform/logger';
import { startEmbeddedPostgres } from '../../platform/services/embedded-postgres';
import { ensureTemporalTool } from '../../platform/services/temporal-binary';
import {
  searchAttributes,
  startTemporalDevServer,
} from '../../platform/services/temporal-dev-server';
import { connectTemporalClient, ensureSearchAttributes } from '../../workflows/client';
import { freePort } from './free-port';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test cluster's `baton` database; tests create their own databases. */
    pgUrl: string;
    temporalAddress: string;
  }
}

export default async function setup(project: TestProject) {
  const logger = createLogger('warn', { component: 'test-services' });
  const home = await mkdtemp(path.join(os.tmpdir(), 'baton-test-'));
  // As root, PostgreSQL runs as its own user, which must be able to enter the folder.
  await chmod(home, 0o755);
  const [pgPort, temporalPort, executable] = await Promise.all([
    freePort(),
    freePort(),
    ensureTemporalTool('cli'),
  ]);
  const started = await Promise.allSettled([
    startEmbeddedPostgres({ dataDir: path.join(home, 'postgres'), port: pgPort, logger }),
    startTemporalDevServer({
      executable,
      dataDir: path.join(home, 'temporal'),
      port: temporalPort,
      uiPort: 0,
      namespace: 'default',
      logger,
    }),
  ]);
  const [pgResult, temporalResult] = started;
  if (pgResult.status === 'rejected' || temporalResult.status === 'rejected') {
    await Promise.allSettled(
      started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)),
    );
    await rm(home, { recursive: true, force: true });
    throw pgResult.status === 'rejected'
      ? pgResult.reason
      : (temporalResult as PromiseRejectedResult).reason;
  }
  const pg = pgResult.value;
  const temporal = temporalResult.value;
  // The dev server registers them as flags; this is the path an external cluster takes.
  const client = await connectTemporalClient(temporal.address, 'default');
  await ensureSearchAttributes(
    client,
    'default',
    searchAttributes.map((a) => a.split('=')[0]!),
  );
  await client.connection.close();
  project.provide('pgUrl', pg.url);
  project.provide('temporalAddress', temporal.address);

  return async () => {
    await Promise.allSettled([temporal.stop(), pg.stop()]);
    await rm(home, { recursive: true, force: true });
  };
}
