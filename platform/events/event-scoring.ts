// Rescores a record after behaviour events arrived and writes a changed score or band through the
// one record write path, where crossing a threshold puts its actions in the outbox — once, since
// the write compares the stored level with the new one under the row lock.
import { computeScore, type ScoreEvent } from '../../runtime/rules/scorecard';
import { scoreNewEvent } from '../../runtime/rules/pipeline';
import { sameJson } from '../../runtime/definition/diff-definitions';
import type { Db } from '../db/database';
import { BatonError } from '../errors';
import { StaleVersionError } from '../records/record-errors';
import { readRow } from '../records/record-repository';
import { updateRecord } from '../records/record-service';
import { rowToRecord } from '../records/record-values';
import { rulesOf } from '../records/rule-pipeline';
import type { TableContext } from '../records/table-context';
import { recordEvents } from './event-repository';

export interface CardLevel {
  readonly card: string;
  readonly score: number;
  readonly band: string | null;
}

export interface Rescoring {
  /** Per batch event (same order): every card's level once that event counted. */
  readonly levels: ReadonlyArray<readonly CardLevel[]>;
  /** Whether the record's score or band fields were written. */
  readonly written: boolean;
  /** Why the new level could not be written now (a handover freeze, lasting contention). */
  readonly deferred?: { readonly code: string; readonly message: string };
}

const maxAttempts = 8;

/** A batch event of the record as stored; `isNew` false for a duplicate already counted. */
export type BatchEvent = ScoreEvent & { readonly id: string; readonly isNew: boolean };

/**
 * Rescores one record for the batch's events of it: `scoreNewEvent` for each new event in batch
 * order (a duplicate answers the level as it is), then, when a score or band field would change,
 * an `updateRecord` with source `rule`, retried on a version conflict.
 */
export async function rescoreRecord(
  db: Db,
  context: TableContext,
  recordId: string,
  batch: readonly BatchEvent[],
  now: Date,
): Promise<Rescoring> {
  const rules = rulesOf(context);
  const table = context.table.key;
  const { scorecards, eventTypes } = rules.forTable(table);
  const fresh = new Set(batch.filter((e) => e.isNew).map((e) => e.id));
  for (let attempt = 1; ; attempt++) {
    const row = await readRow(db, context, recordId);
    if (!row || row.deleted_at !== null) {
      return { levels: batch.map(() => []), written: false };
    }
    const record = rowToRecord(row, context.table.fields);
    const earlier: ScoreEvent[] = (
      await recordEvents(db, context.space.id, table, recordId, eventTypes)
    ).filter((e) => !fresh.has(e.id));
    let current: CardLevel[] = scorecards.map((card) =>
      level(computeScore(card, record, earlier, now)),
    );
    const levels: CardLevel[][] = [];
    for (const event of batch) {
      if (event.isNew) {
        const scoring = scoreNewEvent(rules, table, record, earlier, event, now);
        earlier.push(event);
        // Cards that do not score this event's type keep their level.
        current = current.map((l) => {
          const scored = scoring.scores.find((s) => s.card === l.card);
          return scored ? level(scored) : l;
        });
      }
      levels.push(current);
    }
    // Every card's level, not only the ones this batch moved: a retried batch heals a score an
    // earlier attempt stored events for but did not write.
    const changed: Record<string, unknown> = {};
    scorecards.forEach((card, i) => {
      const { field, bandField } = card.card;
      const { score, band } = current[i]!;
      const values: Array<[string | undefined, unknown]> = [
        [field, card.integerField ? Math.round(score) : score],
        [bandField, band],
      ];
      for (const [key, value] of values) {
        if (key !== undefined && !sameJson(record[key] ?? null, value)) changed[key] = value;
      }
    });
    if (Object.keys(changed).length === 0) return { levels, written: false };
    try {
      await updateRecord(db, context, recordId, changed, Number(row.version), {
        actor: null,
        source: 'rule',
        now,
      });
      return { levels, written: true };
    } catch (error) {
      if (error instanceof StaleVersionError && attempt < maxAttempts) continue;
      if (error instanceof BatonError && error.status === 409) {
        return { levels, written: false, deferred: { code: error.code, message: error.message } };
      }
      throw error;
    }
  }
}

function level(score: { card: string; score: number; band: string | null }): CardLevel {
  return { card: score.card, score: score.score, band: score.band };
}
