// Behaviour events as stored: appended once per idempotency key, read back per record for scoring.
import { sql } from 'kysely';
import type { ScoreEvent } from '../../runtime/rules/scorecard';
import type { Db } from '../db/database';
import { jsonParam } from '../records/record-repository';

export interface NewEvent {
  readonly tableKey: string;
  readonly recordId: string;
  readonly type: string;
  readonly at: Date;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly idempotencyKey: string | null;
}

export interface StoredEventRef {
  readonly id: string;
  readonly recordId: string;
  readonly tableKey: string;
}

/**
 * Appends events in one statement; an event whose idempotency key the space already holds is
 * skipped. Answers, per input position, the stored row (new or earlier) or null when the key's
 * earlier event could not be read back (it cannot vanish: events are never deleted).
 */
export async function appendEvents(
  db: Db,
  spaceId: string,
  events: readonly NewEvent[],
): Promise<ReadonlyArray<{ readonly stored: boolean; readonly ref: StoredEventRef | null }>> {
  if (events.length === 0) return [];
  const inserted = await db
    .insertInto('platform.behaviour_events')
    .values(
      events.map((e) => ({
        space_id: spaceId,
        table_key: e.tableKey,
        record_id: e.recordId,
        type: e.type,
        at: e.at,
        payload: jsonParam(e.payload),
        idempotency_key: e.idempotencyKey,
      })),
    )
    .onConflict((oc) => oc.columns(['space_id', 'idempotency_key']).doNothing())
    .returning(['id', 'idempotency_key', 'record_id', 'table_key'])
    .execute();
  const byKey = new Map(
    inserted.filter((r) => r.idempotency_key).map((r) => [r.idempotency_key, r]),
  );
  // Rows without a key are always inserted, in VALUES order.
  const unkeyed = inserted.filter((r) => !r.idempotency_key);
  const missing = events
    .map((e) => e.idempotencyKey)
    .filter((k): k is string => k !== null && !byKey.has(k));
  const earlier =
    missing.length === 0
      ? []
      : await db
          .selectFrom('platform.behaviour_events')
          .select(['id', 'idempotency_key', 'record_id', 'table_key'])
          .where('space_id', '=', spaceId)
          .where('idempotency_key', 'in', missing)
          .execute();
  const earlierByKey = new Map(earlier.map((r) => [r.idempotency_key, r]));
  let nextUnkeyed = 0;
  return events.map((e) => {
    const row =
      e.idempotencyKey === null
        ? unkeyed[nextUnkeyed++]
        : (byKey.get(e.idempotencyKey) ?? earlierByKey.get(e.idempotencyKey));
    const stored = e.idempotencyKey === null || byKey.has(e.idempotencyKey);
    return {
      stored,
      ref: row ? { id: String(row.id), recordId: row.record_id, tableKey: row.table_key } : null,
    };
  });
}

/** A record's events of the given types, oldest first (at most 10,000, like the write path). */
export async function recordEvents(
  db: Db,
  spaceId: string,
  tableKey: string,
  recordId: string,
  types: readonly string[],
): Promise<Array<ScoreEvent & { readonly id: string }>> {
  if (types.length === 0) return [];
  const rows = await db
    .selectFrom('platform.behaviour_events')
    .select(['id', 'type', 'at', 'payload'])
    .where('space_id', '=', spaceId)
    .where('table_key', '=', tableKey)
    .where('record_id', '=', recordId)
    .where('type', 'in', [...types])
    .orderBy('at')
    .orderBy('id')
    .limit(10_000)
    .execute();
  return rows.map((r) => ({
    id: String(r.id),
    type: r.type,
    at: r.at.toISOString(),
    payload: (r.payload ?? {}) as Record<string, unknown>,
  }));
}

/** Which of `ids` are live records of a table. */
export async function liveRecordIds(
  db: Db,
  ref: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql<{ id: string }>`
    select id from ${sql.raw(ref)} where id = any(${[...ids]}::uuid[]) and deleted_at is null`.execute(
    db,
  );
  return new Set(rows.rows.map((r) => String(r.id)));
}
