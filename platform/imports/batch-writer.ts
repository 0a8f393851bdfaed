// Decides what each prepared row does (create, update, skip, fail) under the dedupe rule, then writes.
import type postgres from 'postgres';
import { sameJson } from '../../runtime/definition/diff-definitions';
import { kyselyOn } from '../db/database';
import { createNeedsDatabaseRules, prepareCreate } from '../records/record-service';
import {
  assertStageGate,
  GateBlockedError,
  loadEventsOf,
  rulesOf,
  type RuleOutcome,
} from '../records/rule-pipeline';
import type { LocalizedText } from '../../runtime/localized-text';
import type { ScoreEvent, ThresholdFiring } from '../../runtime/rules/scorecard';
import type { RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';
import {
  afterBatchInsert,
  afterBatchUpdate,
  decideBatch,
  lockDedupeKeys,
  type DedupeLocking,
  type RuledCreate,
} from './batch-rules';
import { insertBatch, type PreparedCreate } from './bulk-insert';
import { updateBatch, type PlannedUpdate } from './bulk-update';
import { text, type RowIssue } from './import-errors';
import type { CompiledMapping } from './import-mapping';
import type { DedupeOptions } from './import-options';
import { prepareUpdate } from './prepare-update';
import { findMatches, frozenRecords, matchKey } from './record-matcher';
import { rowIssues, type PreparedRow } from './row-preparation';

export interface BatchCounts {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

export interface BatchOutcome extends BatchCounts {
  readonly issues: RowIssue[];
}

interface Pending extends PreparedCreate {
  readonly input: RecordJson;
  readonly firings?: RuleOutcome['firings'];
}

type Entry =
  | { readonly kind: 'new'; readonly index: number }
  | {
      readonly kind: 'existing';
      readonly original: RecordJson;
      current: RecordJson;
      row: number;
      /** Thresholds the file's rows crossed on this record, in row order. */
      readonly firings: ThresholdFiring[];
    };

/**
 * Writes one batch inside the caller's transaction. A row matching a live record, or an earlier
 * row of the file, on the dedupe keys is skipped, updated (changed fields only) or created anyway;
 * earlier batches are already in the table, so the match query finds them too.
 * @example await writeBatch(conn, context, mapping, prepared, { dedupe, actor: null, now: new Date() })
 */
export async function writeBatch(
  conn: postgres.Sql,
  context: TableContext,
  mapping: CompiledMapping,
  rows: readonly PreparedRow[],
  options: {
    readonly dedupe?: DedupeOptions;
    readonly actor: string | null;
    readonly now: Date;
    /** Keys that batches loading at the same time create (skip mode on several connections). */
    readonly taken?: (key: string) => boolean;
    /** Called once this batch knows which keys it creates, before it writes anything. */
    readonly onPlanned?: (createdKeys: ReadonlySet<string>) => void;
    /**
     * How the table's dedupe rules exclude concurrent writers (see `DedupeLocking`); the rule
     * steps that need the database run when the table has any (`createNeedsDatabaseRules`).
     */
    readonly locking?: DedupeLocking;
  },
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { created: 0, updated: 0, skipped: 0, failed: 0, issues: [] };
  const fail = (issues: RowIssue[]) => {
    outcome.failed++;
    outcome.issues.push(...issues);
  };
  const dedupe = options.dedupe?.onMatch === 'create' ? undefined : options.dedupe;
  const keys = dedupe?.keys ?? [];
  const keyOf = (r: PreparedRow) =>
    dedupe ? matchKey(keys, r.create?.ok ? r.create.values : r.input) : undefined;
  const matches = dedupe
    ? await findMatches(
        conn,
        context,
        keys,
        [...new Set(rows.filter((r) => r.issues.length === 0).map(keyOf))]
          .filter((k): k is string => k !== undefined)
          .map((k) => JSON.parse(k) as unknown[]),
        dedupe.onMatch === 'update',
      )
    : new Map<string, RecordJson[]>();
  const frozen =
    dedupe?.onMatch === 'update'
      ? await frozenRecords(
          conn,
          context,
          [...matches.values()].flat().map((r) => String(r.id)),
        )
      : new Set<string>();
  const tableRules = rulesOf(context).forTable(context.table.key);
  // Scorecards that count behaviours score an update with the record's events, as updateRecord does.
  const events =
    dedupe?.onMatch === 'update' && tableRules.eventTypes.length > 0
      ? await loadEventsOf(
          kyselyOn(conn),
          context,
          [...matches.values()].flat().map((r) => String(r.id)),
        )
      : new Map<string, ScoreEvent[]>();

  const creates: Pending[] = [];
  const entries = new Map<string, Entry>();
  for (const r of rows) {
    if (r.issues.length > 0) {
      fail(r.issues);
      continue;
    }
    const key = keyOf(r);
    let entry = key === undefined ? undefined : entries.get(key);
    const found = key === undefined ? undefined : matches.get(key);
    if (!entry && found) {
      if (dedupe?.onMatch === 'update' && found.length > 1) {
        fail([ambiguous(r.row, keys, found.length)]);
        continue;
      }
      if (dedupe?.onMatch === 'update' && frozen.has(String(found[0]!.id))) {
        fail([handoverPending(r.row, keys)]);
        continue;
      }
      entry = {
        kind: 'existing',
        original: found[0]!,
        current: found[0]!,
        row: r.row,
        firings: [],
      };
      entries.set(key!, entry);
    }
    if (!entry && key !== undefined && dedupe?.onMatch === 'skip' && options.taken?.(key)) {
      outcome.skipped++;
      continue;
    }
    if (!entry) {
      if (!r.create!.ok) fail(rowIssues(r.row, r.create!.issues, mapping));
      else {
        creates.push({
          row: r.row,
          input: r.input,
          values: r.create!.values,
          line: r.line,
          firings: r.create!.firings,
        });
        if (key !== undefined) entries.set(key, { kind: 'new', index: creates.length - 1 });
        outcome.created++;
      }
      continue;
    }
    if (dedupe?.onMatch === 'skip') {
      outcome.skipped++;
      continue;
    }
    if (entry.kind === 'new') {
      const pending = creates[entry.index]!;
      const input = { ...pending.input, ...r.input };
      const again = prepareCreate(context, input, options.now);
      if (!again.ok) fail(rowIssues(r.row, again.issues, mapping));
      else if (sameJson(again.values, pending.values)) outcome.skipped++;
      else {
        creates[entry.index] = {
          row: pending.row,
          input,
          values: again.values,
          firings: again.firings,
        };
        outcome.updated++;
      }
      continue;
    }
    const id = String(entry.original.id);
    const update = prepareUpdate(context, entry.current, r.input, options.now, events.get(id));
    if (!update.ok) fail(rowIssues(r.row, update.issues, mapping));
    else if (update.changed.length === 0) outcome.skipped++;
    else {
      const blocked = await stageGateIssue(
        conn,
        context,
        entry.current,
        update.values,
        r.row,
        options.now,
      );
      if (blocked) {
        fail([blocked]);
        continue;
      }
      entry.current = { ...entry.current, ...update.values };
      entry.firings.push(...update.firings);
      entry.row = r.row;
      outcome.updated++;
    }
  }

  // The dedupe rules' locks are taken before later batches plan, so rows lock in file order.
  const rules = createNeedsDatabaseRules(context);
  const locked = rules
    ? await lockDedupeKeys(conn, context, creates, {
        now: options.now,
        locking: options.locking ?? 'keys',
      })
    : [];
  options.onPlanned?.(
    new Set([...entries].filter(([, e]) => e.kind === 'new').map(([key]) => key)),
  );
  const updates: PlannedUpdate[] = [];
  for (const entry of entries.values()) {
    if (entry.kind !== 'existing') continue;
    const changed = Object.keys(entry.current).filter(
      (k) => !sameJson(entry.original[k] ?? null, entry.current[k] ?? null),
    );
    if (changed.length > 0) {
      updates.push({
        row: entry.row,
        id: String(entry.original.id),
        before: entry.original,
        after: entry.current,
        changed,
        firings: entry.firings,
      });
    }
  }
  let toInsert: readonly PreparedCreate[] = creates;
  if (rules) {
    const decided = await decideBatch(conn, kyselyOn(conn), context, locked, options.now);
    for (const [row, issues] of decided.refused)
      outcome.issues.push(...rowIssues(row, issues, mapping));
    outcome.issues.push(...decided.issues);
    outcome.failed += creates.length - decided.creates.length;
    outcome.created -= creates.length - decided.creates.length;
    toInsert = decided.creates;
  }
  const inserted = await insertBatch(conn, context, toInsert, options.actor);
  if (rules) {
    const refusedRows = new Set(inserted.issues.map((i) => i.row));
    const stored = (toInsert as RuledCreate[]).filter((c) => !refusedRows.has(c.row));
    await afterBatchInsert(conn, context, stored, options.now);
  }
  const updated = await updateBatch(conn, context, updates, options.actor);
  const refusedUpdates = new Set(updated.issues.map((i) => i.row));
  await afterBatchUpdate(
    conn,
    context,
    updates.filter((u) => !refusedUpdates.has(u.row)),
    options.now,
  );
  for (const refused of [inserted, updated]) {
    const refusedRows = new Set(refused.issues.map((i) => i.row)).size;
    outcome.failed += refusedRows;
    outcome.issues.push(...refused.issues);
  }
  outcome.created -= toInsert.length - inserted.written;
  outcome.updated -= updates.length - updated.written;
  return outcome;
}

/** A stage move of an update that its gate refuses, as a row issue listing what is missing. */
async function stageGateIssue(
  conn: postgres.Sql,
  context: TableContext,
  previous: RecordJson,
  values: RecordJson,
  row: number,
  now: Date,
): Promise<RowIssue | null> {
  if (values.stage === undefined || values.stage === previous.stage) return null;
  try {
    await assertStageGate(kyselyOn(conn), context, previous, values, now);
    return null;
  } catch (error) {
    if (!(error instanceof GateBlockedError)) throw error;
    const missing = (error.details as { missing: Array<{ message: LocalizedText }> }).missing;
    return {
      row,
      column: null,
      field: 'stage',
      code: 'GATE_BLOCKED',
      message: text(
        `不能进入阶段「${String(values.stage)}」：${missing.map((m) => m.message['zh-CN']).join('；')}`,
        `cannot move to stage "${String(values.stage)}": ${missing.map((m) => m.message.en).join('; ')}`,
      ),
    };
  }
}

function ambiguous(row: number, keys: readonly string[], count: number): RowIssue {
  return {
    row,
    column: null,
    field: keys[0] ?? null,
    code: 'AMBIGUOUS_MATCH',
    message: text(
      `按 ${keys.join('+')} 匹配到 ${count} 条已有记录，无法确定更新哪一条`,
      `${count} existing records match on ${keys.join('+')}; cannot tell which to update`,
    ),
  };
}

function handoverPending(row: number, keys: readonly string[]): RowIssue {
  return {
    row,
    column: null,
    field: keys[0] ?? null,
    code: 'HANDOVER_PENDING',
    message: text(
      '匹配到的记录正在交接，等待处理结果前不能修改',
      'the matching record is frozen until its pending handover gets a verdict',
    ),
  };
}
