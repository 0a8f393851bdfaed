// Runs `temporal server start-dev` (SQLite file under BATON_HOME) as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../logger';

export interface TemporalDevServerOptions {
  readonly executable: string;
  readonly dataDir: string;
  readonly port: number;
  /** 0 runs headless. */
  readonly uiPort: number;
  readonly namespace: string;
  readonly logger: Logger;
  /** How long to wait for the frontend port to accept connections. */
  readonly readyTimeoutMs?: number;
}

export interface TemporalDevServerHandle {
  readonly address: string;
  readonly uiUrl: string | undefined;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Search attributes every Baton namespace needs (the API lists a record's executions by them). */
export const searchAttributes = [
  'BatonSpace=Keyword',
  'BatonFlow=Keyword',
  'BatonTable=Keyword',
  'BatonRecordId=Keyword',
] as const;

/**
 * Starts the dev server and resolves once its gRPC port answers. The SQLite database keeps
 * workflow state across restarts, so a 240-minute timer survives Baton restarting.
 */
export async function startTemporalDevServer(
  options: TemporalDevServerOptions,
): Promise<TemporalDevServerHandle> {
  await mkdir(options.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--db-filename',
    path.join(options.dataDir, 'temporal.sqlite'),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=OFF',
    ...searchAttributes.flatMap((a) => ['--search-attribute', a]),
    ...(options.uiPort === 0 ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
  ];
  const log = createWriteStream(path.join(options.dataDir, 'temporal.log'), { flags: 'a' });
  const child = spawn(options.executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  const address = `127.0.0.1:${options.port}`;
  const ready = await Promise.race([
    waitForPort(options.port, options.readyTimeoutMs ?? 30_000).then(() => true),
    exited.then(() => false),
  ]);
  if (!ready) {
    throw new Error(
      `temporal dev server exited before it was ready; see ${path.join(options.dataDir, 'temporal.log')}`,
    );
  }
  options.logger.debug('temporal dev server ready', { address, pid: child.pid });
  return {
    address,
    uiUrl: options.uiPort === 0 ? undefined : `http://127.0.0.1:${options.uiPort}`,
    pid: child.pid,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Resolves when a TCP connection to 127.0.0.1:port succeeds. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
