// Measures `npm start` from command to ready (cold: empty data folder; warm: existing data), and stop.
// Run: npm run bench:startup   (prints a table; not a test, so noisy machines do not fail CI)
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port';

const root = path.resolve(import.meta.dirname, '../..');
const warmRuns = Number(process.env.RUNS ?? 3);

async function startOnce(
  env: Record<string, string>,
): Promise<{ readyMs: number; healthyMs: number; stopMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'platform/main.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const readyMs = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('Baton is ready at')) resolve(performance.now() - started);
    });
    void exited.then(() => reject(new Error(`exited before ready:\n${output}`)));
  });
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${env.PORT}/api/health`).catch(() => undefined);
    const body = (await res?.json().catch(() => undefined)) as { status?: string } | undefined;
    if (body?.status === 'ok') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const healthyMs = performance.now() - started;
  const stopping = performance.now();
  child.kill('SIGTERM');
  await exited;
  return { readyMs, healthyMs, stopMs: performance.now() - stopping };
}

const home = await mkdtemp(path.join(os.tmpdir(), 'baton-bench-start-'));
await chmod(home, 0o755);
const [port, pgPort, temporalPort] = await Promise.all([freePort(), freePort(), freePort()]);
const env = {
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  BATON_HOME: home,
  PORT: String(port),
  BATON_PG_PORT: String(pgPort),
  TEMPORAL_DEV_PORT: String(temporalPort),
  TEMPORAL_UI_PORT: '0',
  DATABASE_URL: '',
  TEMPORAL_ADDRESS: '',
};
try {
  const rows: Array<[string, Awaited<ReturnType<typeof startOnce>>]> = [
    ['cold (empty data folder)', await startOnce(env)],
  ];
  for (let i = 1; i <= warmRuns; i++) rows.push([`warm #${i}`, await startOnce(env)]);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  process.stdout.write(
    '| run | command → "ready" printed | command → /api/health ok | SIGTERM → exited |\n|---|---|---|---|\n',
  );
  for (const [name, r] of rows)
    process.stdout.write(`| ${name} | ${s(r.readyMs)} | ${s(r.healthyMs)} | ${s(r.stopMs)} |\n`);
} finally {
  await rm(home, { recursive: true, force: true });
}
