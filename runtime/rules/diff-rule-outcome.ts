// Dry run: what a rule set would change on a stored record, as a list a person can read.
import type { GateResult } from './gate';
import type { PipelineResult } from './pipeline';
import type { RecordJson } from './rule-issue';

/** What rules decide about one record: its values, tags, scores, owner and gate verdict. */
export interface RuleOutcome {
  readonly record: RecordJson;
  /** Tags per tags field. */
  readonly tags: Readonly<Record<string, readonly string[]>>;
  readonly scores: Readonly<
    Record<string, { readonly score: number; readonly band: string | null }>
  >;
  /** A user id, `pool:<key>`, or null when nobody owns it. */
  readonly owner: string | null;
  /** The verdict of a transition being simulated, when there is one. */
  readonly gate?: GateResult | null;
  /** Fields that scorecards write: their changes show as score and band changes instead. */
  readonly scoreFields?: readonly string[];
}

export type RuleChange =
  | {
      readonly kind: 'field';
      readonly field: string;
      readonly before: unknown;
      readonly after: unknown;
    }
  | {
      readonly kind: 'tags';
      readonly field: string;
      readonly added: readonly string[];
      readonly removed: readonly string[];
    }
  | {
      readonly kind: 'score';
      readonly card: string;
      readonly before: number | null;
      readonly after: number | null;
    }
  | {
      readonly kind: 'band';
      readonly card: string;
      readonly before: string | null;
      readonly after: string | null;
    }
  | { readonly kind: 'owner'; readonly before: string | null; readonly after: string | null }
  | {
      readonly kind: 'gate';
      readonly before: GateResult | null;
      readonly after: GateResult | null;
    };

/**
 * The outcome of a pipeline run, with the owner and gate verdict decided outside it.
 * @example outcomeOf(runRulePipeline(draft, 'lead', stored, { now }), { owner: stored.owner })
 */
export function outcomeOf(
  result: PipelineResult,
  extra: { readonly owner?: string | null; readonly gate?: GateResult | null } = {},
): RuleOutcome {
  const tags: Record<string, readonly string[]> = {};
  for (const m of result.tagging.matched) {
    const value = result.record[m.into];
    tags[m.into] = Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : [];
  }
  const scores: Record<string, { score: number; band: string | null }> = {};
  for (const s of result.scores) scores[s.card] = { score: s.score, band: s.band };
  return {
    record: result.record,
    tags,
    scores,
    owner: extra.owner ?? result.owner,
    gate: extra.gate ?? null,
    scoreFields: result.changes.filter((c) => c.by === 'scorecard').map((c) => c.field),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function gateKey(gate: GateResult | null | undefined): string {
  if (!gate) return 'none';
  if (gate.ok) return 'ok';
  return JSON.stringify(gate.missing.map((m) => [m.gate, m.field ?? null, m.message.en]));
}

/**
 * What changes from one outcome to the other: tags added and removed, scores, bands, owner, the
 * gate verdict, and other field values. Empty when nothing would change.
 * @example diffRuleOutcome(published, draft) // [{ kind: 'tags', field: 'tags', added: ['影像设备'], removed: [] }]
 */
export function diffRuleOutcome(before: RuleOutcome, after: RuleOutcome): RuleChange[] {
  const changes: RuleChange[] = [];
  const tagFields = new Set([...Object.keys(before.tags), ...Object.keys(after.tags)]);
  for (const field of tagFields) {
    const b = before.tags[field] ?? tagList(before.record[field]);
    const a = after.tags[field] ?? tagList(after.record[field]);
    const added = a.filter((t) => !b.includes(t));
    const removed = b.filter((t) => !a.includes(t));
    if (added.length + removed.length > 0) changes.push({ kind: 'tags', field, added, removed });
  }
  const cards = new Set([...Object.keys(before.scores), ...Object.keys(after.scores)]);
  for (const card of cards) {
    const b = before.scores[card] ?? null;
    const a = after.scores[card] ?? null;
    if (b?.score !== a?.score) {
      changes.push({ kind: 'score', card, before: b?.score ?? null, after: a?.score ?? null });
    }
    if (b?.band !== a?.band) {
      changes.push({ kind: 'band', card, before: b?.band ?? null, after: a?.band ?? null });
    }
  }
  if (before.owner !== after.owner) {
    changes.push({ kind: 'owner', before: before.owner, after: after.owner });
  }
  if (gateKey(before.gate) !== gateKey(after.gate)) {
    changes.push({ kind: 'gate', before: before.gate ?? null, after: after.gate ?? null });
  }
  const fields = new Set([...Object.keys(before.record), ...Object.keys(after.record)]);
  const derived = new Set([
    ...tagFields,
    ...(before.scoreFields ?? []),
    ...(after.scoreFields ?? []),
  ]);
  for (const field of fields) {
    if (derived.has(field)) continue;
    const b = before.record[field] ?? null;
    const a = after.record[field] ?? null;
    if (!same(b, a)) changes.push({ kind: 'field', field, before: b, after: a });
  }
  return changes;
}

function tagList(value: unknown): readonly string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
