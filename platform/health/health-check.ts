// Probes the database, Temporal and the worker fleet for GET /api/health.
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import { pingDatabase, type Db } from '../db/database';

export interface ComponentHealth {
  readonly ok: boolean;
  readonly latencyMs?: number;
  readonly error?: string;
}

export interface WorkerHealth extends ComponentHealth {
  /** Pollers Temporal has seen on the task queue recently (any process, any host). */
  readonly pollers: number;
  /** State of the worker inside this process, when it runs one. */
  readonly local?: string;
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly db: ComponentHealth;
  readonly temporal: ComponentHealth;
  readonly worker: WorkerHealth;
}

export interface HealthSources {
  readonly db: Db;
  /** Absent while Temporal has not been reached yet. */
  readonly temporal: () => Client | undefined;
  readonly taskQueue: string;
  readonly localWorkerState?: () => string | undefined;
  readonly timeoutMs?: number;
}

/**
 * Checks every dependency concurrently, each bounded by a timeout. `down` when the database does not
 * answer (nothing works without it), `degraded` when Temporal or the workers are missing.
 */
export async function checkHealth(sources: HealthSources): Promise<HealthReport> {
  const timeoutMs = sources.timeoutMs ?? 2_000;
  const [db, temporal, worker] = await Promise.all([
    timed(() => pingDatabase(sources.db, timeoutMs)),
    timed(async () => {
      const client = sources.temporal();
      if (!client) throw new Error('not connected');
      await client.connection.withDeadline(Date.now() + timeoutMs, () =>
        client.workflowService.getSystemInfo({}),
      );
    }),
    checkWorkers(sources, timeoutMs),
  ]);
  const status = !db.ok ? 'down' : temporal.ok && worker.ok ? 'ok' : 'degraded';
  return { status, db, temporal, worker };
}

async function checkWorkers(sources: HealthSources, timeoutMs: number): Promise<WorkerHealth> {
  const local = sources.localWorkerState?.();
  const localField = local === undefined ? {} : { local };
  const client = sources.temporal();
  if (!client) return { ok: false, pollers: 0, error: 'temporal not connected', ...localField };
  try {
    const answer = await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: sources.taskQueue },
        taskQueueType: protos.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    const pollers = answer.pollers?.length ?? 0;
    const localOk = local === undefined || local === 'RUNNING';
    return {
      ok: pollers > 0 && localOk,
      pollers,
      ...localField,
      ...(pollers === 0 ? { error: `no worker polls task queue "${sources.taskQueue}"` } : {}),
    };
  } catch (error) {
    return { ok: false, pollers: 0, error: errorMessage(error), ...localField };
  }
}

async function timed(probe: () => Promise<unknown>): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    await probe();
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
