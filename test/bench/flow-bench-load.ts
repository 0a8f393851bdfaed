// Load and measurement helpers of the flow benchmark: records over HTTP, execution start times,
// timer fire times from the timeline.
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database';
import { flowWorkflowType } from '../../workflows/flow-start';

export interface CreatedRecord {
  readonly id: string;
  /** The record's `created_at`, in epoch milliseconds. */
  readonly createdAt: number;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Creates records through the HTTP API (keep-alive fetch); returns them and the wall time. */
export async function createRecords(
  baseUrl: string,
  space: string,
  table: string,
  count: number,
  concurrency: number,
  body: (i: number) => Record<string, unknown>,
  /** `authorization: Bearer …` of the bench's admin. */
  headers: Readonly<Record<string, string>> = {},
): Promise<{ records: CreatedRecord[]; seconds: number }> {
  const url = `${baseUrl}/api/spaces/${space}/tables/${table}/records`;
  const started = performance.now();
  const records = await pool(count, concurrency, async (i) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body(i)),
    });
    const json = (await response.json()) as any;
    if (response.status !== 201)
      throw new Error(`POST ${url} → ${response.status} ${JSON.stringify(json).slice(0, 500)}`);
    return { id: String(json.record.id), createdAt: Date.parse(json.record.created_at) };
  });
  return { records, seconds: (performance.now() - started) / 1000 };
}

/** Resolves once the outbox holds nothing undelivered. */
export async function waitForOutbox(database: Database, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { pending } = await database.db
      .selectFrom('platform.outbox')
      .select((eb) => eb.fn.countAll<string>().as('pending'))
      .where('delivered_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(pending) === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} outbox entries still pending`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Start times (epoch ms) of executions, from one visibility listing (cheap next to thousands of
 * `describe()` calls that would load the server being measured); `describe()` for any it misses.
 */
export async function startTimes(
  client: Client,
  workflowIds: readonly string[],
): Promise<number[]> {
  const wanted = new Set(workflowIds);
  const found = new Map<string, number>();
  for await (const execution of client.workflow.list({
    query: `WorkflowType = '${flowWorkflowType}'`,
  })) {
    if (wanted.has(execution.workflowId))
      found.set(execution.workflowId, execution.startTime.getTime());
  }
  const missing = workflowIds.filter((id) => !found.has(id));
  await pool(missing.length, 16, async (i) => {
    const description = await client.workflow.getHandle(missing[i]!).describe();
    found.set(missing[i]!, description.startTime.getTime());
  });
  return workflowIds.map((id) => found.get(id)!);
}

/**
 * Waits until the given executions have no workflow task or activity pending, or the timeout;
 * returns when, and how many were still busy. Pass the last ones started: the worker takes tasks
 * about in order, so the rest are done too.
 */
export async function waitUntilSettled(
  client: Client,
  workflowIds: readonly string[],
  timeoutMs = 240_000,
): Promise<{ readonly at: number; readonly unsettled: number }> {
  const deadline = Date.now() + timeoutMs;
  let busy = [...workflowIds];
  for (;;) {
    const still = await pool(busy.length, 16, async (i) => {
      const { raw } = await client.workflow.getHandle(busy[i]!).describe();
      return raw.pendingWorkflowTask || (raw.pendingActivities?.length ?? 0) > 0 ? busy[i]! : '';
    });
    busy = still.filter((id) => id !== '');
    if (busy.length === 0 || Date.now() > deadline)
      return { at: Date.now(), unsettled: busy.length };
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Insert times of `kind` timeline entries of a flow, by record id, once `expected` are there. */
export async function timelineTimes(
  database: Database,
  flow: string,
  kind: string,
  expected: number,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await database.db
      .selectFrom('platform.timeline')
      .select(['subject', 'at'])
      .where('kind', '=', kind)
      .where(sql<string>`data->>'flow'`, '=', flow)
      .execute();
    if (rows.length >= expected || Date.now() > deadline)
      return new Map(
        rows.map((r) => [r.subject.slice(r.subject.lastIndexOf('/') + 1), r.at.getTime()]),
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The q-quantile (0–1) by the nearest-rank method. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
