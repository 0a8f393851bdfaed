// Assembles the HTTP app: API routes, OpenAPI document, limits and the built designer.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { serveStatic } from '@hono/node-server/serve-static';
import { secureHeaders } from 'hono/secure-headers';
import { authenticate } from '../auth/authenticate';
import { defaultAuthOptions, type AuthOptions } from '../auth/auth-options';
import { contentSecurityPolicy } from '../auth/content-security-policy';
import { intakeRateLimit } from '../auth/intake-rate-limit';
import type { Database } from '../db/database';
import type { FileStore } from '../files/file-store';
import { getSpaceOrThrow } from '../spaces/space-repository';
import type { HealthSources } from '../health/health-check';
import type { Logger } from '../logger';
import { apiSecurity, declareApiSecurity } from './openapi-security';
import { createErrorHandler, notFound } from './error-handler';
import { bodyLimit } from './body-limit';
import { jsonGuard } from './json-guard';
import { fileReadCheck } from '../permissions/file-access';
import { adminRoutes } from './routes/admin-routes';
import { authRoutes } from './routes/auth-routes';
import { createReportScheduler } from '../reports/report-schedules';
import { dashboardRoutes } from './routes/dashboard-routes';
import { definitionRoutes } from './routes/definition-routes';
import { exportRoutes } from './routes/export-routes';
import { fileRoutes } from './routes/file-routes';
import { flowRoutes } from './routes/flow-routes';
import { healthRoutes } from './routes/health-routes';
import { notificationRoutes, type NotificationRouteDeps } from './routes/notification-routes';
import { peopleRoutes } from './routes/people-routes';
import { designerRoutes } from './routes/designer-routes';
import { dryRunRoutes } from './routes/dry-run-routes';
import { eventRoutes } from './routes/event-routes';
import { importRoutes } from './routes/import-routes';
import { intakeRoutes } from './routes/intake-routes';
import { recordRoutes } from './routes/record-routes';
import { spaceRoutes } from './routes/space-routes';
import { taskRoutes } from './routes/task-routes';
import { templateRoutes } from './routes/template-routes';

export interface AppDeps {
  readonly database: Database;
  readonly logger: Logger;
  readonly health: Omit<HealthSources, 'db'>;
  /** Folder of the built designer; the API runs without it. */
  readonly designerDist?: string;
  /** Largest accepted JSON body in bytes. */
  readonly maxBodyBytes?: number;
  readonly files: { readonly store: FileStore; readonly maxUploadBytes: number };
  /** Live notification streams: a shared hub and the heartbeat interval. */
  readonly notifications?: Pick<NotificationRouteDeps, 'hub' | 'heartbeatMs'>;
  /** Cookies, session lifetime, proxy trust and rate limits; defaults suit a local start. */
  readonly auth?: Partial<AuthOptions>;
}

/** Uploads stream to disk under their own size limit; the JSON body limit does not apply. */
const uploadPath = /^\/api\/spaces\/[^/]+\/(files|tables\/[^/]+\/imports(\/preview)?)$/;

/**
 * Builds the app. Tests call `app.request(url)` on it without opening a port.
 * @example const app = createApp({ database, logger, health: { temporal: () => client, taskQueue: 'baton' } })
 */
export function createApp(deps: AppDeps) {
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;
  const app = new OpenAPIHono();
  app.onError(createErrorHandler(deps.logger));
  const auth: AuthOptions = { ...defaultAuthOptions, ...deps.auth };
  app.use('*', secureHeaders({ contentSecurityPolicy }));
  const jsonLimit = bodyLimit(maxBodyBytes);
  app.use('/api/*', (c, next) =>
    c.req.method === 'POST' && uploadPath.test(c.req.path) ? next() : jsonLimit(c, next),
  );
  app.use('/api/*', intakeRateLimit(auth.intakeLimit));
  // Every API route below needs a caller, except the public ones the middleware lists.
  app.use('/api/*', authenticate(deps.database.db, auth));
  app.use('/api/*', jsonGuard());

  app.route('/', healthRoutes({ db: deps.database.db, ...deps.health }));
  app.route('/', authRoutes({ db: deps.database.db, options: auth }));
  app.route('/', adminRoutes({ db: deps.database.db }));
  app.route('/', spaceRoutes(deps.database.db));
  app.route('/', definitionRoutes({ db: deps.database.db }));
  // Before the records routes, which would take `records/export` for a record id.
  app.route('/', exportRoutes(deps.database));
  app.route('/', recordRoutes(deps.database.db));
  app.route(
    '/',
    flowRoutes({
      db: deps.database.db,
      temporal: deps.health.temporal,
      taskQueue: deps.health.taskQueue,
    }),
  );
  app.route('/', taskRoutes({ db: deps.database.db }));
  app.route('/', importRoutes({ database: deps.database, logger: deps.logger }));
  app.route(
    '/',
    fileRoutes({
      db: deps.database.db,
      store: deps.files.store,
      maxUploadBytes: deps.files.maxUploadBytes,
      resolveSpace: (key) => getSpaceOrThrow(deps.database.db, key),
      canRead: fileReadCheck(deps.database.db),
    }),
  );
  app.route('/', peopleRoutes({ db: deps.database.db }));
  app.route('/', templateRoutes({ db: deps.database.db, files: deps.files.store }));
  app.route('/', intakeRoutes({ db: deps.database.db }));
  app.route('/', eventRoutes({ db: deps.database.db }));
  app.route('/', dryRunRoutes({ db: deps.database.db }));
  app.route('/', designerRoutes({ db: deps.database.db }));
  app.route(
    '/',
    dashboardRoutes({
      database: deps.database,
      logger: deps.logger,
      reports: () => {
        const client = deps.health.temporal();
        return client ? createReportScheduler(client, deps.health.taskQueue) : undefined;
      },
    }),
  );
  app.route(
    '/',
    notificationRoutes({ database: deps.database, logger: deps.logger, ...deps.notifications }),
  );
  declareApiSecurity(app);
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    security: apiSecurity,
    info: {
      title: 'Baton API',
      version: '0.1.0',
      description: 'Lead-operations platform: spaces, definitions, records, rules and flows.',
    },
  });
  app.all('/api/*', notFound);

  if (deps.designerDist && existsSync(path.join(deps.designerDist, 'index.html'))) {
    mountDesigner(app, deps.designerDist);
  }
  app.notFound(notFound);
  return app;
}

/** Serves the built single-page designer; unknown paths get index.html for client routing. */
function mountDesigner(app: OpenAPIHono, dist: string): void {
  const root = path.relative(process.cwd(), dist) || '.';
  app.use('/*', serveStatic({ root }));
  app.get('*', async (c) => c.html(await readFile(path.join(dist, 'index.html'), 'utf8')));
}
