// The real HTTP app for tests, with a file store in a temporary folder.
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createFileStore } from '../../platform/files/file-store';
import { createApp, type AppDeps } from '../../platform/http/app';
import { createLogger } from '../../platform/logger';

/** `createApp` with defaults for what a test does not care about. */
export function createTestApp(
  deps: Omit<AppDeps, 'logger' | 'files'> & Partial<Pick<AppDeps, 'logger' | 'files'>>,
) {
  return createApp({
    logger: createLogger('error'),
    files: {
      store: createFileStore({
        root: path.join(os.tmpdir(), `baton-files-${randomBytes(6).toString('hex')}`),
      }),
      maxUploadBytes: 5 * 1024 * 1024,
    },
    ...deps,
  });
}
