// Writes outbox entries inside the caller's transaction and reads the pending ones for the relay.
import type { Transaction } from 'kysely';
import type postgres from 'postgres';
import type { PlatformDatabase } from '../db/schema';

export interface OutboxMessage {
  /** What happened, e.g. `space.created`, `record.updated`. */
  readonly topic: string;
  /** The workflow started (or signalled) with signal-with-start. */
  readonly workflowType: string;
  readonly workflowId: string;
  readonly signalName: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Start arguments; when given, the relay starts the workflow if it is not running. */
  readonly workflowArgs?: readonly unknown[];
  /** false: signal only a running execution (default true: signal-with-start). */
  readonly start?: boolean;
}

export interface OutboxEntry extends OutboxMessage {
  readonly seq: string;
  readonly attempts: number;
}

/**
 * Appends a message to the outbox. Call it with the transaction that writes the change itself,
 * so the change and its message commit or roll back together.
 * @example await enqueueOutbox(tx, { topic: 'space.created', workflowType, workflowId, signalName, payload })
 */
export async function enqueueOutbox(
  tx: Transaction<PlatformDatabase>,
  message: OutboxMessage,
): Promise<string> {
  const row = await tx
    .insertInto('platform.outbox')
    .values({
      topic: message.topic,
      workflow_type: message.workflowType,
      workflow_id: message.workflowId,
      signal_name: message.signalName,
      payload: { ...message.payload },
      workflow_args: message.workflowArgs ? [...message.workflowArgs] : null,
      start: message.start ?? true,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return row.seq;
}

/**
 * Appends several messages with one `INSERT … SELECT` (an import's batch), in the given order, on
 * the caller's connection inside its transaction. The JSON travels as one parameter; an object
 * that several messages' first start argument hold by reference (a flow's definition, the table's
 * fields, the calendar) travels once and is put back into each row by the statement.
 * @example await enqueueOutboxBatch(conn, messages)
 */
export async function enqueueOutboxBatch(
  conn: postgres.Sql,
  messages: readonly OutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  const uses = new Map<object, number>();
  const firstArg = (m: OutboxMessage) => {
    const arg = m.workflowArgs?.[0];
    return arg !== null && typeof arg === 'object' && !Array.isArray(arg)
      ? (arg as Record<string, unknown>)
      : undefined;
  };
  for (const m of messages) {
    for (const value of Object.values(firstArg(m) ?? {})) {
      if (value !== null && typeof value === 'object') uses.set(value, (uses.get(value) ?? 0) + 1);
    }
  }
  const shared: unknown[] = [];
  const index = new Map<object, number>();
  const wire = messages.map((m) => {
    const arg = firstArg(m);
    if (!arg) return m;
    const rest: Record<string, unknown> = {};
    const refs: Record<string, number> = {};
    for (const [key, value] of Object.entries(arg)) {
      if (value === null || typeof value !== 'object' || (uses.get(value) ?? 0) < 2) {
        rest[key] = value;
        continue;
      }
      if (!index.has(value)) index.set(value, shared.push(value) - 1);
      refs[key] = index.get(value)!;
    }
    if (Object.keys(refs).length === 0) return m;
    return { ...m, workflowArgs: [rest, ...m.workflowArgs!.slice(1)], shared: refs };
  });
  await conn.unsafe(
    `insert into platform.outbox (topic, workflow_type, workflow_id, signal_name, payload, workflow_args, start)
     select m->>'topic', m->>'workflowType', m->>'workflowId', m->>'signalName', m->'payload',
       case
         when m ? 'shared' then jsonb_set(m->'workflowArgs', '{0}', (m->'workflowArgs'->0) || (
           select jsonb_object_agg(s.key, c.parts->(s.value::int)) from jsonb_each_text(m->'shared') s))
         when m ? 'workflowArgs' then m->'workflowArgs'
       end,
       coalesce((m->>'start')::boolean, true)
     from jsonb_array_elements($1::text::jsonb) with ordinality e(m, n)
     cross join (select $2::text::jsonb as parts) c
     order by n`,
    [JSON.stringify(wire), JSON.stringify(shared)],
  );
}

/**
 * Locks up to `limit` undelivered entries, oldest first, skipping those another relay holds.
 * Must run inside a transaction: the locks last until it ends.
 */
export async function lockPendingOutbox(
  tx: Transaction<PlatformDatabase>,
  limit: number,
): Promise<OutboxEntry[]> {
  const rows = await tx
    .selectFrom('platform.outbox')
    .select([
      'seq',
      'topic',
      'workflow_type',
      'workflow_id',
      'signal_name',
      'payload',
      'attempts',
      'workflow_args',
      'start',
    ])
    .where('delivered_at', 'is', null)
    .orderBy('seq')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    topic: r.topic,
    workflowType: r.workflow_type,
    workflowId: r.workflow_id,
    signalName: r.signal_name,
    payload: r.payload,
    attempts: r.attempts,
    workflowArgs: r.workflow_args ?? [],
    start: r.start,
  }));
}
