// Measures flows on Temporal against a hand-written baseline workflow: execution starts per second
// and start lag for records created over HTTP, and timer lateness when many timers fire at once.
// Run: RECORDS=5000 node --import tsx test/bench/flow-bench.ts   (markdown on stdout; not a test)
// Env: RECORDS (5000), TIMERS (1000), CONCURRENCY (HTTP creates in flight, 16), WARMUP (200).
// Progress goes to stderr. The Temporal SDK core prints its own warnings straight to stdout, as the
// runtime Baton installs does not forward them to its logger; `grep '^[|-]'` keeps the report.
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { flowWorkflowId } from '../../workflows/flow-start';
import { cpuSince, type CpuSample } from './flow-bench-cpu';
import {
  executionTimes,
  fetchHistories,
  meanEvents,
  replayCpuMs,
  spreadSample,
} from './flow-bench-history';
import {
  createRecords,
  type CreatedRecord,
  quantile,
  startTimes,
  timelineTimes,
  waitForOutbox,
  waitUntilSettled,
} from './flow-bench-load';
import {
  breakdownTable,
  headlineTable,
  type StartsResult,
  type TimersResult,
} from './flow-bench-report';
import {
  baselineQueue,
  interpreterQueue,
  startBenchServices,
  type BenchServices,
} from './flow-bench-services';
import { benchDefinition, benchTables, insertPeople, spaceKey } from './flow-bench-space';

type Queue = typeof interpreterQueue | typeof baselineQueue;

const recordCount = Number(process.env.RECORDS ?? 5000);
const timerCount = Number(process.env.TIMERS ?? 1000);
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const warmupCount = Number(process.env.WARMUP ?? 200);
const sampleSize = 100;
/** How many of the last executions started are watched to tell that the worker caught up. */
const tailSize = 50;

const progress = (line: string) =>
  process.stderr.write(`[flow-bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const perExecution = (cpu: CpuSample, n: number): CpuSample => ({
  node: cpu.node / n,
  temporal: cpu.temporal / n,
  postgres: cpu.postgres / n,
});

async function main(services: BenchServices) {
  const { baseUrl, database, temporal, authorization } = services;
  const auth = { authorization };
  let rep = '';
  let nth = 0;
  const body =
    (extra: Record<string, unknown> = {}) =>
    () => ({
      name: `线索 ${++nth}`,
      owner: rep,
      ...extra,
    });

  let activeQueue: Queue | undefined;
  const deliverTo = async (queue: Queue) => {
    if (activeQueue === queue) return;
    // The relays share the outbox: one delivers everything pending before the other takes over.
    if (activeQueue) {
      await waitForOutbox(database);
      await services.relays[activeQueue].stop();
    }
    await services.relays[queue].start();
    activeQueue = queue;
  };

  const api = async (method: string, path: string, payload?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...auth },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const json = (await response.json()) as any;
    if (!response.ok) throw new Error(`${method} ${path} → ${JSON.stringify(json).slice(0, 800)}`);
    return json;
  };

  progress('setting up the space');
  await deliverTo(interpreterQueue);
  const created = await api('POST', '/api/spaces', {
    key: spaceKey,
    name: { 'zh-CN': '压测', en: 'Bench' },
  });
  rep = await insertPeople(database.db, created.space.id);
  await api('PUT', `/api/spaces/${spaceKey}/definition/draft`, benchDefinition());
  await api('POST', `/api/spaces/${spaceKey}/definition/publish`);

  async function starts(queue: Queue): Promise<StartsResult> {
    const { table, flow } =
      queue === interpreterQueue ? benchTables.interpreterStarts : benchTables.baselineStarts;
    await deliverTo(queue);
    progress(`${queue}: warm-up, ${warmupCount} records`);
    const warm = await createRecords(
      baseUrl,
      spaceKey,
      table,
      warmupCount,
      concurrency,
      body(),
      auth,
    );
    const ids = (records: readonly CreatedRecord[]) =>
      records.map((r) => flowWorkflowId(spaceKey, flow, r.id));
    await waitForOutbox(database);
    await waitUntilSettled(temporal.client, ids(warm.records).slice(-tailSize));
    await waitForOutbox(database);

    progress(`${queue}: ${recordCount} records`);
    const cpuBefore = services.cpu();
    const began = Date.now();
    const run = await createRecords(
      baseUrl,
      spaceKey,
      table,
      recordCount,
      concurrency,
      body(),
      auth,
    );
    await waitForOutbox(database);
    const settled = await waitUntilSettled(temporal.client, ids(run.records).slice(-tailSize));
    const settledAt = settled.at;
    if (settled.unsettled > 0) progress(`${queue}: ${settled.unsettled} still busy, going on`);
    const cpu = cpuSince(cpuBefore, services.cpu());
    const started = await startTimes(temporal.client, ids(run.records));
    const lags = run.records.map((r, i) => started[i]! - r.createdAt);
    const firstCommit = Math.min(...run.records.map((r) => r.createdAt));
    const lastStart = Math.max(...started);
    const sampled = spreadSample(run.records, sampleSize);
    const histories = await fetchHistories(temporal.client, ids(sampled));
    return {
      secondsToSettle: (settledAt - began) / 1000,
      records: recordCount,
      createPerSecond: recordCount / run.seconds,
      startsPerSecond: recordCount / ((lastStart - firstCommit) / 1000),
      lagP50: quantile(lags, 0.5),
      lagP99: quantile(lags, 0.99),
      catchUpSeconds: Math.max(0, settledAt - lastStart) / 1000,
      cpu: perExecution(cpu, recordCount),
      load: os.loadavg()[0]!,
      sample: histories.map((h, k) => ({ ...executionTimes(h), createdAt: sampled[k]!.createdAt })),
      events: meanEvents(histories),
    };
  }

  async function timers(queue: Queue, startsRun: StartsResult): Promise<TimersResult> {
    const { table, flow } =
      queue === interpreterQueue ? benchTables.interpreterTimers : benchTables.baselineTimers;
    await deliverTo(queue);
    // Far enough ahead that every execution is created, started and waiting when the instant comes:
    // twice what the same number of starts took to settle, plus a margin.
    const settleMs = (startsRun.secondsToSettle * 1000 * timerCount) / startsRun.records;
    const leadMs = Math.max(45_000, 2 * settleMs + 15_000);
    const due = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
    progress(`${queue}: ${timerCount} timers due at ${new Date(due).toISOString()}`);
    const run = await createRecords(
      baseUrl,
      spaceKey,
      table,
      timerCount,
      concurrency,
      body({ due_at: new Date(due).toISOString() }),
      auth,
    );
    const ids = run.records.map((r) => flowWorkflowId(spaceKey, flow, r.id));
    await waitForOutbox(database);
    // Stops looking just before the due instant, so the look does not load the fire.
    const armed = await waitUntilSettled(
      temporal.client,
      ids.slice(-tailSize),
      Math.max(0, due - 1_000 - Date.now()),
    );
    await new Promise((r) => setTimeout(r, Math.max(0, due - 500 - Date.now())));
    const cpuBefore = services.cpu();
    const kind = queue === interpreterQueue ? 'node.left' : 'bench.fired';
    const fired = await timelineTimes(database, flow, kind, timerCount, 180_000);
    const cpu = cpuSince(cpuBefore, services.cpu());
    const lateness = run.records.flatMap((r) => {
      const at = fired.get(r.id);
      return at === undefined ? [] : [at - due];
    });
    const histories = await fetchHistories(temporal.client, spreadSample(ids, sampleSize));
    progress(`${queue}: replaying ${histories.length} histories`);
    const replayMs = await replayCpuMs(services.bundles[queue], histories);
    return {
      timers: timerCount,
      armedBeforeDue: armed.unsettled === 0,
      fired: lateness.length,
      p50: quantile(lateness, 0.5),
      p99: quantile(lateness, 0.99),
      max: Math.max(...lateness),
      cpu: perExecution(cpu, timerCount),
      load: os.loadavg()[0]!,
      due,
      sample: histories.map(executionTimes),
      events: meanEvents(histories),
      replayMs,
    };
  }

  const loadAtStart = os.loadavg()[0]!;
  const interpreterStarts = await starts(interpreterQueue);
  const baselineStarts = await starts(baselineQueue);
  const interpreterTimers = await timers(interpreterQueue, interpreterStarts);
  const baselineTimers = await timers(baselineQueue, baselineStarts);
  await waitForOutbox(database);

  const interpreter = { starts: interpreterStarts, timers: interpreterTimers };
  const baseline = { starts: baselineStarts, timers: baselineTimers };
  const { rows } = await sql<{ version: string }>`select version()`.execute(database.db);
  const temporalVersion = await promisify(execFile)(services.temporalExecutable, ['--version'])
    .then((r) => r.stdout.trim().split('\n')[0])
    .catch(() => 'unknown version');
  const cpu = os.cpus();
  return [
    headlineTable(interpreter, baseline),
    '',
    breakdownTable(interpreter, baseline),
    '',
    `- Command: \`RECORDS=${recordCount} TIMERS=${timerCount} CONCURRENCY=${concurrency} WARMUP=${warmupCount} node --import tsx test/bench/flow-bench.ts\``,
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, shared by the HTTP app, outbox relay, both workers and the load generator (one Node ${process.version} process), PostgreSQL and Temporal — and by whatever else runs on the machine (1-min load average ${loadAtStart.toFixed(1)} when the measurements began)`,
    `- Temporal: \`temporal server start-dev\` (${temporalVersion}), SQLite persistence (journal_mode=WAL, synchronous=OFF) in a temporary folder`,
    `- PostgreSQL: embedded ${rows[0]?.version.split(' on ')[0] ?? ''}, in the same temporary folder`,
    `- Starts: records created over HTTP with keep-alive fetch, ${concurrency} in flight, after ${warmupCount} warm-up records per path; each record's transaction writes an outbox entry that the relay delivers with signal-with-start; start time from the visibility listing (\`describe()\` for any it lacks)`,
    `- Baseline: test/bench/flow-bench-workflows.ts takes the same start arguments and signal, sleeps until the flow's first timer and runs one activity writing one timeline row; it is registered as \`flowInterpreterWorkflow\` on task queue \`${baselineQueue}\`, so the same relay code starts it at the same offered load`,
    `- Timers: executions of a \`wait_until\` flow whose timeout is \`due_at + PT0S\`, all with the same \`due_at\`; lateness = insert time of the \`node.left\` (baseline: \`bench.fired\`) timeline row − due`,
  ].join('\n');
}

progress(`starting PostgreSQL, Temporal, the app and the workers (RECORDS=${recordCount})`);
const services = await startBenchServices();
let stopping: Promise<void> | undefined;
const stop = () => (stopping ??= services.stop());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stop().finally(() => process.exit(130)));
}
try {
  const started = performance.now();
  const output = await main(services);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  process.stdout.write(`${output}\n- Measurements took ${seconds} s\n`);
} finally {
  progress('stopping');
  await stop();
}
