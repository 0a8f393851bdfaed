// The rule pipeline of one write: normalize → (dedupe, decided by the platform) → tag → score.
//
// The platform calls, inside the transaction that writes the record:
//   1. dedupeKeysFor(rules, table, input, now)   → lookups; for each, find a record of the table
//      with the same stored key for that rule, created at or after `since` (not the record itself).
//   2. resolveDedupe(rules, table, found)         → `blocked`: refuse the write with its message.
//   3. runRulePipeline(rules, table, input, { now, previous, events, dedupe })
//                                                 → the record to store, scores, threshold firings.
//   4. validate result.record (JSON Schema, CEL validations, permissions).
//   5. when result.owner is null and the record has none: lock the candidates' counters, then
//      chooseAssignee(rules.forTable(table).assignment[0], result.record, candidates, now) and
//      store the decision's `assignedAt` for the chosen user under that rule.
//   6. when the stage changes: checkGate(rules.forTable(table).gates, table, from, to, record, facts).
//   7. persist the record, the dedupe keys (per rule) and the audit rows; put the firings and any
//      dedupe notification in the outbox.
import { dedupeLookups, type DedupeLookup, type DedupeMatch, type DedupeOutcome } from './dedupe';
import { dedupeOutcome } from './dedupe';
import type { CompiledRules } from './compile-rules';
import type { FieldChange } from './normalizer';
import type { RecordJson, RuleIssue } from './rule-issue';
import {
  computeScore,
  crossedThresholds,
  storedLevel,
  type ScoreEvent,
  type ScoreResult,
  type ThresholdFiring,
} from './scorecard';
import { applyTagging, type TagMatch, type TaggingResult } from './tagging';

export interface PipelineContext {
  /** The clock every rule sees. */
  readonly now: Date | string;
  /**
   * The stored record before this write; absent on create. Thresholds fire when its stored score
   * (or, for cards that store none, its score now) is below them and the new score is not.
   */
  readonly previous?: RecordJson | null;
  /** The record's behaviour events (of the table's `eventTypes`); none: event rules score 0. */
  readonly events?: readonly ScoreEvent[];
  /** What dedupe decided before the write (`resolveDedupe`). */
  readonly dedupe?: DedupeOutcome;
}

export interface RecordChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly by: FieldChange['by'] | 'dedupe' | 'tagging' | 'scorecard';
}

export type PipelineStep =
  | { readonly step: 'normalize'; readonly changes: readonly FieldChange[] }
  | { readonly step: 'dedupe'; readonly outcome: DedupeOutcome }
  | { readonly step: 'tag'; readonly matched: readonly TagMatch[] }
  | {
      readonly step: 'score';
      readonly result: ScoreResult;
      readonly firings: readonly ThresholdFiring[];
    };

export interface PipelineResult {
  /** The input with every rule applied: what to validate and store. */
  readonly record: RecordJson;
  /** Every value the rules changed, in order. */
  readonly changes: readonly RecordChange[];
  readonly tagging: TaggingResult;
  readonly scores: readonly ScoreResult[];
  /** Threshold actions to run after the commit (through the outbox). */
  readonly firings: readonly ThresholdFiring[];
  /** The owner dedupe routes the record to (a returning lead's original owner); null otherwise. */
  readonly owner: string | null;
  readonly issues: readonly RuleIssue[];
  readonly trace: readonly PipelineStep[];
}

/**
 * The dedupe look-ups for a record about to be written, one per dedupe rule of the table whose key
 * fields are all filled, in rule order. Works on the raw input: keys compare normalised forms.
 * @example dedupeKeysFor(rules, 'lead', input, now) // [{ rule: 'returning_lead', key: '["+8613800138000","协和医院"]', since: '…' }]
 */
export function dedupeKeysFor(
  rules: CompiledRules,
  table: string,
  record: RecordJson,
  now: Date | string,
): DedupeLookup[] {
  return dedupeLookups(rules.forTable(table).dedupe, record, now);
}

/**
 * The dedupe decision from the look-ups' results: the first rule (in definition order) whose
 * look-up found a record decides; `unique` when none did.
 * @example resolveDedupe(rules, 'lead', [{ rule: 'returning_lead', match: { id: 'r1', owner: 'u7' } }])
 */
export function resolveDedupe(
  rules: CompiledRules,
  table: string,
  found: ReadonlyArray<{ readonly rule: string; readonly match: DedupeMatch | null }>,
): DedupeOutcome {
  for (const rule of rules.forTable(table).dedupe) {
    const match = found.find((f) => f.rule === rule.key)?.match ?? null;
    if (match) return dedupeOutcome(rule, match);
  }
  return { kind: 'unique' };
}

function tagsIn(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Runs normalize → dedupe effects → tagging → scorecards on one record of a table and returns the
 * record to store with a trace. Never throws for data problems: they are in `issues`.
 * @example runRulePipeline(rules, 'lead', { phone: '138 0013 8000', message: '想了解CT' }, { now }).record
 */
export function runRulePipeline(
  rules: CompiledRules,
  table: string,
  input: RecordJson,
  ctx: PipelineContext,
): PipelineResult {
  const tableRules = rules.forTable(table);
  const trace: PipelineStep[] = [];
  const changes: RecordChange[] = [];
  const issues: RuleIssue[] = [];

  const normalized = tableRules.normalizer.normalize(input);
  const record: Record<string, unknown> = { ...normalized.record };
  changes.push(...normalized.changes);
  issues.push(...normalized.issues);
  trace.push({ step: 'normalize', changes: normalized.changes });

  const set = (field: string, after: unknown, by: RecordChange['by']) => {
    const before = record[field];
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    record[field] = after;
    changes.push({ field, before, after, by });
  };
  const addTags = (field: string, tags: readonly string[], by: RecordChange['by']) => {
    const current = tagsIn(record[field]);
    const added = tags.filter((t) => !current.includes(t));
    if (added.length > 0) set(field, [...current, ...added], by);
  };

  let owner: string | null = null;
  const dedupe = ctx.dedupe;
  if (dedupe) {
    trace.push({ step: 'dedupe', outcome: dedupe });
    if (dedupe.kind === 'returning' || dedupe.kind === 'flagged') {
      for (const [field, value] of Object.entries(dedupe.set)) set(field, value, 'dedupe');
      const tagsField = tableRules.tagsField;
      if (tagsField !== null) addTags(tagsField, dedupe.tags, 'dedupe');
      if (dedupe.kind === 'returning') owner = dedupe.owner;
    }
  }

  const tagging = applyTagging(tableRules.tagging, record, { now: ctx.now });
  for (const match of tagging.matched) addTags(match.into, match.tags, 'tagging');
  issues.push(...tagging.issues);
  trace.push({ step: 'tag', matched: tagging.matched });

  const events = ctx.events ?? [];
  const scores: ScoreResult[] = [];
  const firings: ThresholdFiring[] = [];
  for (const card of tableRules.scorecards) {
    const after = computeScore(card, record, events, ctx.now);
    const before = ctx.previous
      ? (storedLevel(card, ctx.previous) ?? computeScore(card, ctx.previous, events, ctx.now))
      : null;
    const fired = crossedThresholds(card, before, after);
    scores.push(after);
    firings.push(...fired);
    issues.push(...after.issues.map((i) => ({ ...i, rule: i.rule ?? card.key })));
    trace.push({ step: 'score', result: after, firings: fired });
    const { field, bandField } = card.card;
    if (field !== undefined) {
      set(field, card.integerField ? Math.round(after.score) : after.score, 'scorecard');
    }
    if (bandField !== undefined) set(bandField, after.band, 'scorecard');
  }

  return { record, changes, tagging, scores, firings, owner, issues, trace };
}

export interface EventScoring {
  readonly scores: readonly ScoreResult[];
  readonly firings: readonly ThresholdFiring[];
  /** Score and band fields to update on the record. */
  readonly set: Readonly<Record<string, unknown>>;
}

/**
 * Rescores a stored record when a behaviour event arrives: thresholds compare the record's stored
 * score (or, for cards that store none, its score over `earlier`) with the score including it.
 * @example scoreNewEvent(rules, 'lead', lead, earlier, { type: 'email_reply', at, payload: { text: '预算已批' } }, now).firings
 */
export function scoreNewEvent(
  rules: CompiledRules,
  table: string,
  record: RecordJson,
  earlier: readonly ScoreEvent[],
  event: ScoreEvent,
  now: Date | string,
): EventScoring {
  const scores: ScoreResult[] = [];
  const firings: ThresholdFiring[] = [];
  const set: Record<string, unknown> = {};
  for (const card of rules.forTable(table).scorecards) {
    if (!card.eventTypes.includes(event.type)) continue;
    const before = storedLevel(card, record) ?? computeScore(card, record, earlier, now);
    const after = computeScore(card, record, [...earlier, event], now);
    scores.push(after);
    firings.push(...crossedThresholds(card, before, after));
    const { field, bandField } = card.card;
    if (field !== undefined) set[field] = card.integerField ? Math.round(after.score) : after.score;
    if (bandField !== undefined) set[bandField] = after.band;
  }
  return { scores, firings, set };
}
