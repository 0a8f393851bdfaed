// The real HTTP app for tests, with a file store in a temporary folder; by default every
// `app.request` is made as a seeded platform administrator.
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isPublicRoute } from '../../platform/auth/authenticate';
import { createFileStore } from '../../platform/files/file-store';
import { createApp, type AppDeps } from '../../platform/http/app';
import { createLogger } from '../../platform/logger';
import { seedTestUser, type TestCaller } from './test-auth';

export interface TestAppOptions {
  /** `admin` (default): requests without Authorization/Cookie carry the test admin's token. */
  readonly caller?: 'admin' | 'anonymous';
}

/**
 * `createApp` with defaults for what a test does not care about (logger, file store, health). `app.request` authenticates as a
 * platform admin created on first use (`await app.testAdmin()` answers it) unless the request
 * brings its own Authorization or Cookie header, or `caller: 'anonymous'` is given.
 */
export function createTestApp(
  deps: Omit<AppDeps, 'logger' | 'files' | 'health'> &
    Partial<Pick<AppDeps, 'logger' | 'files' | 'health'>>,
  options: TestAppOptions = {},
) {
  const app = createApp({
    logger: createLogger('error'),
    // No Temporal behind the app: health reports it as not checked.
    health: { temporal: () => undefined, taskQueue: 'unused' },
    files: {
      store: createFileStore({
        root: path.join(os.tmpdir(), `baton-files-${randomBytes(6).toString('hex')}`),
      }),
      maxUploadBytes: 5 * 1024 * 1024,
    },
    ...deps,
  });
  let admin: Promise<TestCaller> | undefined;
  const testAdmin = () => (admin ??= seedTestUser(deps.database.db));
  const request = app.request.bind(app);
  const authenticated = async (
    input: Parameters<typeof request>[0],
    init?: Parameters<typeof request>[1],
    ...rest: unknown[]
  ): Promise<Response> => {
    const own = input instanceof Request ? input.headers : new Headers(init?.headers);
    const url = new URL(input instanceof Request ? input.url : String(input), 'http://localhost');
    const method = (input instanceof Request ? input.method : init?.method) ?? 'GET';
    if (
      options.caller !== 'anonymous' &&
      !isPublicRoute(method.toUpperCase(), url.pathname) &&
      !own.has('authorization') &&
      !own.has('cookie')
    ) {
      const headers = new Headers(init?.headers);
      headers.set('authorization', (await testAdmin()).headers.authorization);
      if (input instanceof Request) {
        const copy = new Request(input, { headers: new Headers(input.headers) });
        copy.headers.set('authorization', headers.get('authorization')!);
        return request(copy, init, ...(rest as []));
      }
      return request(input, { ...init, headers }, ...(rest as []));
    }
    return request(input, init, ...(rest as []));
  };
  return Object.assign(app, { request: authenticated as typeof app.request, testAdmin });
}
