// Serves the real app (API + built designer) on a free loopback port, with relay and worker.
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Db } from '../../platform/db/database';
import { createTestApp } from './test-app';
import { seedTestUser, type TestCaller } from './test-auth';
import { createLogger } from '../../platform/logger';
import { createOutboxRelay } from '../../platform/outbox/outbox-relay';
import { freePort } from './free-port';
import { createTestDatabase } from './test-database';
import { startTestTemporal } from './test-temporal';

export const designerDist = path.resolve(import.meta.dirname, '../../designer/dist');

export interface TestServer {
  readonly url: string;
  /** The server's database, for counting what a request wrote. */
  readonly db: Db;
  /** A platform admin with a password (sign in through the designer) and a bearer token. */
  readonly admin: TestCaller;
  /** `fetch` against the server as the admin (bearer token) unless the call sets Authorization. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** A JSON call as the admin: the parsed answer, or an error naming the status and the body. */
  json<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The real app over HTTP on a fresh database; API calls need credentials, as in production. */
export async function startTestServer(): Promise<TestServer> {
  const logger = createLogger('error');
  const target = await createTestDatabase();
  const temporal = await startTestTemporal(target.database.db);
  const relay = createOutboxRelay({
    database: target.database,
    temporal: temporal.client,
    taskQueue: temporal.taskQueue,
    logger,
    pollIntervalMs: 200,
  });
  await relay.start();
  const app = createTestApp({
    database: target.database,
    logger,
    designerDist,
    health: {
      temporal: () => temporal.client,
      taskQueue: temporal.taskQueue,
      localWorkerState: () => temporal.worker.getState(),
    },
  });
  const port = await freePort();
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${port}`;
  const admin = await seedTestUser(target.database.db, { email: 'admin@baton.test' });
  const adminFetch = (path: string, init: RequestInit = {}) =>
    fetch(url + path, {
      ...init,
      headers: { authorization: admin.headers.authorization, ...init.headers },
    });
  return {
    url,
    db: target.database.db,
    admin,
    fetch: adminFetch,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await adminFetch(path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 204) return undefined as T;
      const answer = (await response.json()) as T;
      if (!response.ok) {
        throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(answer)}`);
      }
      return answer;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await relay.stop();
      await temporal.close();
      await target.drop();
    },
  };
}
