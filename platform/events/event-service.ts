// A batch of behaviour events: checked, stored once per idempotency key, then every record they
// touch rescored (a changed band runs its threshold actions through the record write path).
import type { Db } from '../db/database';
import { NotFoundError } from '../errors';
import { resolveTable, type TableContext } from '../records/table-context';
import { getSpaceOrThrow } from '../spaces/space-repository';
import { appendEvents, liveRecordIds, type NewEvent } from './event-repository';
import { rescoreRecord, type BatchEvent, type CardLevel } from './event-scoring';

export interface IncomingEvent {
  readonly table: string;
  readonly recordId: string;
  readonly type: string;
  /** ISO 8601 instant with an offset. */
  readonly at: string;
  readonly payload?: Readonly<Record<string, unknown>>;
  readonly idempotencyKey?: string;
}

export interface EventAnswer {
  readonly index: number;
  readonly status: 'stored' | 'duplicate' | 'rejected';
  readonly recordId: string;
  /** The stored event's id (the earlier one for a duplicate). */
  readonly id?: string;
  /** The record's first scorecard once this event counted; null without scorecards. */
  readonly score?: number | null;
  readonly band?: string | null;
  readonly scores?: CardLevel[];
  readonly error?: { readonly code: string; readonly message: string };
}

export interface RecordRescore {
  readonly table: string;
  readonly recordId: string;
  readonly written: boolean;
  readonly deferred?: { readonly code: string; readonly message: string };
}

/** At most this many records are rescored at once per batch. */
const parallelRescores = 4;

/**
 * Stores a batch and rescores the records it touches. Events naming an unknown table or a missing
 * record are rejected one by one; the rest are stored (a repeated idempotency key is a duplicate
 * and stores nothing). Duplicates rescore their record too, so a retried batch heals a rescoring
 * an earlier attempt did not finish.
 * @example await ingestEvents(db, 'auto', [{ table: 'lead', recordId, type: 'demo_booked', at: '2025-03-01T10:00:00+08:00' }])
 */
export async function ingestEvents(
  db: Db,
  spaceKey: string,
  events: readonly IncomingEvent[],
): Promise<{ events: EventAnswer[]; records: RecordRescore[] }> {
  const now = new Date();
  const space = await getSpaceOrThrow(db, spaceKey);
  const contexts = new Map<string, TableContext | null>();
  for (const table of new Set(events.map((e) => e.table))) {
    try {
      contexts.set(table, await resolveTable(db, spaceKey, table));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      contexts.set(table, null);
    }
  }
  const live = new Map<string, Set<string>>();
  for (const [table, context] of contexts) {
    if (!context) continue;
    const ids = events.filter((e) => e.table === table).map((e) => e.recordId);
    live.set(table, await liveRecordIds(db, context.ref, [...new Set(ids)]));
  }

  const answers: EventAnswer[] = [];
  const accepted: Array<{ index: number; event: NewEvent }> = [];
  const firstOfKey = new Map<string, number>();
  events.forEach((e, index) => {
    const context = contexts.get(e.table);
    const reject = (code: string, message: string) =>
      (answers[index] = {
        index,
        status: 'rejected',
        recordId: e.recordId,
        error: { code, message },
      });
    if (!context) return reject('NOT_FOUND', `table "${e.table}" does not exist`);
    if (!live.get(e.table)?.has(e.recordId)) {
      return reject('NOT_FOUND', `record "${e.recordId}" does not exist in table "${e.table}"`);
    }
    const key = e.idempotencyKey ?? null;
    if (key !== null && firstOfKey.has(key)) return; // answered after the first one is stored
    if (key !== null) firstOfKey.set(key, index);
    accepted.push({
      index,
      event: {
        tableKey: e.table,
        recordId: e.recordId,
        type: e.type,
        at: new Date(e.at),
        payload: e.payload ?? {},
        idempotencyKey: key,
      },
    });
  });

  const stored = await appendEvents(
    db,
    space.id,
    accepted.map((a) => a.event),
  );
  // Per record, its batch events in batch order, as the stored rows they are.
  const perRecord = new Map<
    string,
    { table: string; recordId: string; items: Array<{ index: number; event: BatchEvent }> }
  >();
  accepted.forEach(({ index, event }, i) => {
    const { stored: isNew, ref } = stored[i]!;
    const e = events[index]!;
    answers[index] = {
      index,
      status: isNew ? 'stored' : 'duplicate',
      recordId: e.recordId,
      ...(ref ? { id: ref.id } : {}),
    };
    // A duplicate key first used for another record scores that record, not this one.
    if (!ref || ref.recordId !== e.recordId || ref.tableKey !== e.table) return;
    const group = perRecord.get(`${e.table}/${e.recordId}`) ?? {
      table: e.table,
      recordId: e.recordId,
      items: [],
    };
    group.items.push({
      index,
      event: {
        id: ref.id,
        type: event.type,
        at: event.at.toISOString(),
        payload: event.payload,
        isNew,
      },
    });
    perRecord.set(`${e.table}/${e.recordId}`, group);
  });

  const records: RecordRescore[] = [];
  const groups = [...perRecord.values()];
  const work = async () => {
    for (let group = groups.shift(); group; group = groups.shift()) {
      const context = contexts.get(group.table)!;
      const result = await rescoreRecord(
        db,
        context,
        group.recordId,
        group.items.map((i) => i.event),
        now,
      );
      group.items.forEach(({ index }, j) => {
        const levels = result.levels[j] ?? [];
        answers[index] = {
          ...answers[index]!,
          score: levels[0]?.score ?? null,
          band: levels[0]?.band ?? null,
          scores: [...levels],
        };
      });
      records.push({
        table: group.table,
        recordId: group.recordId,
        written: result.written,
        ...(result.deferred ? { deferred: result.deferred } : {}),
      });
    }
  };
  await Promise.all(Array.from({ length: parallelRescores }, work));

  // Repeats of a key within the batch answer like the first occurrence, as duplicates.
  events.forEach((e, index) => {
    if (answers[index]) return;
    const first = answers[firstOfKey.get(e.idempotencyKey!)!]!;
    answers[index] = { ...first, index, status: 'duplicate' };
  });
  return { events: answers, records };
}
