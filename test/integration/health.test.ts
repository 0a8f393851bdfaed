// GET /api/health against a PostgreSQL server of this file's own, which the test stops and restarts.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../platform/db/database';
import { createTestApp } from '../support/test-app';
import type { HealthReport } from '../../platform/health/health-check';
import { createLogger } from '../../platform/logger';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '../../platform/services/embedded-postgres';
import { freePort } from '../support/free-port';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestTemporal, type TestTemporal } from '../support/test-temporal';

const logger = createLogger('error');

describe('GET /api/health', () => {
  let home: string;
  let port: number;
  let pg: EmbeddedPostgresHandle | undefined;
  let database: Database;
  let workerDb: TestDatabase;
  let temporal: TestTemporal;
  let app: ReturnType<typeof createTestApp>;

  const startPg = () => startEmbeddedPostgres({ dataDir: path.join(home, 'pg'), port, logger });

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'baton-health-'));
    await chmod(home, 0o755);
    port = await freePort();
    pg = await startPg();
    database = openDatabase(pg.url, { connectTimeoutSeconds: 1 });
    workerDb = await createTestDatabase();
    temporal = await startTestTemporal(workerDb.database.db);
    app = createTestApp({
      database,
      logger,
      health: {
        temporal: () => temporal.client,
        taskQueue: temporal.taskQueue,
        localWorkerState: () => temporal.worker.getState(),
        timeoutMs: 1_500,
      },
    });
  });
  afterAll(async () => {
    await database.close();
    await pg?.stop();
    await temporal.close();
    await workerDb.drop();
    await rm(home, { recursive: true, force: true });
  });

  async function health(): Promise<{ status: number; body: HealthReport }> {
    const response = await app.request('/api/health');
    return { status: response.status, body: (await response.json()) as HealthReport };
  }

  it('reports the database, Temporal and a polling worker as healthy', async () => {
    // A worker that has just started counts as polling once Temporal has seen its first poll.
    await expect.poll(async () => (await health()).body.status, { timeout: 15_000 }).toBe('ok');
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.db.ok).toBe(true);
    expect(body.temporal.ok).toBe(true);
    expect(body.worker).toMatchObject({ ok: true, local: 'RUNNING' });
    expect(body.worker.pollers).toBeGreaterThan(0);
  });

  it('answers 503 while the database is unreachable and recovers by itself when it returns', async () => {
    await pg?.stop();
    pg = undefined;
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('down');
    expect(down.body.db.ok).toBe(false);
    expect(down.body.db.error).toBeTruthy();

    pg = await startPg();
    const deadline = Date.now() + 20_000;
    let again = await health();
    while (again.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      again = await health();
    }
    expect(again.status).toBe(200);
    expect(again.body.db.ok).toBe(true);
  });

  it('reports a task queue nobody polls as degraded, not down', async () => {
    const lonely = createTestApp({
      database,
      logger,
      health: { temporal: () => temporal.client, taskQueue: 'nobody-polls-this' },
    });
    const response = await lonely.request('/api/health');
    const body = (await response.json()) as HealthReport;
    expect(response.status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.worker).toMatchObject({ ok: false, pollers: 0 });
  });
});
