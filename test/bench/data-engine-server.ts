// The real HTTP app on a loopback port, in its own process, for the data-engine benchmark (no Temporal).
// Started by data-engine-bench.ts with DATABASE_URL, PORT and FILES_DIR; prints "listening" when ready
// and stops on SIGTERM or when the parent goes away. SERVER_PROCESSES=N runs N API processes on the
// one port (node:cluster), as N `BATON_ROLE=api` processes behind a balancer would.
import cluster from 'node:cluster';
import { serve, type ServerType } from '@hono/node-server';
import { openDatabase } from '../../platform/db/database';
import { createFileStore } from '../../platform/files/file-store';
import { createApp } from '../../platform/http/app';
import { createLogger } from '../../platform/logger';
import { watchSpaceVersions } from '../../platform/records/table-context';
import { watchPeople } from '../../platform/auth/people-cache';

const processes = Number(process.env.SERVER_PROCESSES ?? 1);
if (processes > 1 && cluster.isPrimary) {
  const workers = Array.from({ length: processes }, () => cluster.fork());
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('listening', resolve))));
  process.stdout.write('listening\n');
  const stopAll = () => {
    for (const w of workers) w.process.kill('SIGTERM');
    let left = workers.length;
    for (const w of workers) w.once('exit', () => --left === 0 && process.exit(0));
  };
  process.on('SIGTERM', stopAll);
  process.on('SIGINT', stopAll);
  process.on('disconnect', stopAll);
} else {
  await serveApi();
}

async function serveApi(): Promise<void> {
  const logger = createLogger('error');
  const database = openDatabase(process.env.DATABASE_URL!);
  const stopWatching = await watchSpaceVersions(database);
  const stopPeople = await watchPeople(database);
  const app = createApp({
    database,
    logger,
    files: {
      store: createFileStore({ root: process.env.FILES_DIR! }),
      maxUploadBytes: 5 * 1024 * 1024,
    },
    health: { temporal: () => undefined, taskQueue: 'x' },
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve(
      { fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) },
      () => resolve(s),
    );
  });
  if (cluster.isPrimary) process.stdout.write('listening\n');

  let stopping = false;
  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
    await stopWatching();
    await stopPeople();
    await database.close();
    // A normal exit, so --cpu-prof writes its profile.
    process.exit(0);
  }
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
}
