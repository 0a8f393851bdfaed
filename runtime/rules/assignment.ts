// Assignment: which user takes a record, decided from candidates the platform loads (under a lock).
import type { CompiledCel } from '../cel/compile-cel';
import type { TableDefinition } from '../definition/definition-schema';
import type { LocalizedText } from '../localized-text';
import type { AssignmentEntry, AssignmentRule, AssignmentStrategy } from './assignment-schema';
import { instantMs } from './instant';
import type { Path, RuleCompiler } from './rule-compiler';
import { celRuleIssue, type RecordJson, type RuleIssue } from './rule-issue';

/** A user who might take the record, with the counters the platform keeps per rule. */
export interface AssignmentCandidate {
  readonly id: string;
  /** What `user` is in the candidate filter: region, product lines, level… */
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly away?: boolean;
  /** False while outside their working hours; default true. */
  readonly onShift?: boolean;
  /**
   * Open records of the rule's table they own (see the capacity metric), counted under a lock. The
   * platform may stop counting at the rule's largest capacity limit: a count at the limit means
   * "at least", which excludes the rep all the same.
   */
  readonly openCount: number;
  /** When this rule last gave them a record; null or absent when it never did. */
  readonly lastAssignedAt?: Date | string | null;
  /** How many records this rule has given them. Default 0. */
  readonly assignedCount?: number;
  /** Share for `weighted`; default 1, 0 takes nothing. */
  readonly weight?: number;
}

export type ExclusionReason =
  | 'away'
  | 'off_shift'
  | 'not_a_candidate'
  | 'candidate_filter_failed'
  | 'at_capacity'
  | 'zero_weight';

export interface Exclusion {
  readonly userId: string;
  readonly reason: ExclusionReason;
  readonly detail: LocalizedText;
}

export interface EntryTrace {
  readonly entry: string;
  /** Whether the entry's `when` held (true when it has none). */
  readonly applies: boolean;
  readonly excluded: readonly Exclusion[];
  readonly eligible: readonly string[];
  readonly chosen: string | null;
  readonly issues: readonly RuleIssue[];
}

export type AssignmentDecision =
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly rule: string;
      readonly entry: string;
      readonly strategy: AssignmentStrategy;
      /** Store as the user's `lastAssignedAt` for this rule (and add 1 to `assignedCount`). */
      readonly assignedAt: string;
      readonly trace: readonly EntryTrace[];
    }
  | {
      readonly kind: 'pool';
      readonly pool: string;
      readonly notify: string | null;
      readonly rule: string;
      readonly reason: LocalizedText;
      readonly trace: readonly EntryTrace[];
    };

interface CompiledEntry {
  readonly entry: AssignmentEntry;
  readonly when: CompiledCel | null;
  readonly candidates: CompiledCel;
}

export interface CompiledAssignmentRule {
  readonly key: string;
  readonly table: string;
  readonly rule: AssignmentRule;
  readonly entries: readonly CompiledEntry[];
}

const NEVER = Number.NEGATIVE_INFINITY;

function waitedSince(c: AssignmentCandidate): number {
  return c.lastAssignedAt === null || c.lastAssignedAt === undefined
    ? NEVER
    : instantMs(c.lastAssignedAt, `lastAssignedAt of ${c.id}`);
}

function exclusion(userId: string, reason: ExclusionReason, en: string, zh: string): Exclusion {
  return { userId, reason, detail: { 'zh-CN': zh, en } };
}

// Smaller sorts first; ties go to the longest wait, then the smallest id: never to chance.
function pick(
  strategy: AssignmentStrategy,
  eligible: readonly AssignmentCandidate[],
): AssignmentCandidate {
  const primary = (c: AssignmentCandidate): number => {
    switch (strategy) {
      case 'least_loaded':
        return c.openCount;
      case 'round_robin':
        return 0;
      case 'weighted':
        return (c.assignedCount ?? 0) / (c.weight ?? 1);
    }
  };
  const ranked = eligible.map((c) => ({ c, p: primary(c), w: waitedSince(c) }));
  ranked.sort((a, b) => a.p - b.p || a.w - b.w || (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0));
  return (ranked[0] as { c: AssignmentCandidate }).c;
}

function screen(
  entry: CompiledEntry,
  record: RecordJson,
  candidate: AssignmentCandidate,
  now: Date | string,
  issues: RuleIssue[],
): Exclusion | null {
  const id = candidate.id;
  if (candidate.away) return exclusion(id, 'away', 'away', '不在岗（请假/外出）');
  if (candidate.onShift === false) return exclusion(id, 'off_shift', 'off shift', '不在班次内');
  const result = entry.candidates.evaluate({ record, user: candidate.attributes, now });
  if (!result.ok) {
    // One report per entry: the same expression usually fails the same way for everybody.
    if (issues.length === 0) issues.push(celRuleIssue(entry.entry.key, result.issues));
    const detail = result.issues[0]?.message ?? '';
    return exclusion(
      id,
      'candidate_filter_failed',
      `candidate filter failed: ${detail}`,
      `候选条件无法计算：${detail}`,
    );
  }
  if (result.value !== true) {
    return exclusion(
      id,
      'not_a_candidate',
      'does not match the candidate filter',
      '不符合候选条件',
    );
  }
  const capacity = entry.entry.capacity;
  if (capacity && candidate.openCount >= capacity.lessThan) {
    const n = candidate.openCount;
    return exclusion(
      id,
      'at_capacity',
      `${n} open records, limit below ${capacity.lessThan}`,
      `在手 ${n} 条，须少于 ${capacity.lessThan} 条`,
    );
  }
  if (entry.entry.strategy === 'weighted' && (candidate.weight ?? 1) <= 0) {
    return exclusion(id, 'zero_weight', 'weight is 0', '权重为 0');
  }
  return null;
}

/**
 * Chooses who takes a record. Entries are tried in order; an entry whose `when` holds screens every
 * candidate (away, off shift, candidate filter, capacity) and, if anybody is left, picks by its
 * strategy. When no entry finds anybody the record goes to the fallback pool. The trace says why
 * each candidate was excluded.
 * @example chooseAssignee(rule, lead, candidates, now) // { kind: 'user', userId: 'u3', … }
 */
export function chooseAssignee(
  rule: CompiledAssignmentRule,
  record: RecordJson,
  candidates: readonly AssignmentCandidate[],
  now: Date | string,
): AssignmentDecision {
  const trace: EntryTrace[] = [];
  for (const entry of rule.entries) {
    const issues: RuleIssue[] = [];
    const key = entry.entry.key;
    if (entry.when) {
      const result = entry.when.evaluate({ record, now });
      if (!result.ok) issues.push(celRuleIssue(key, result.issues));
      if (!result.ok || result.value !== true) {
        trace.push({
          entry: key,
          applies: false,
          excluded: [],
          eligible: [],
          chosen: null,
          issues,
        });
        continue;
      }
    }
    const excluded: Exclusion[] = [];
    const eligible: AssignmentCandidate[] = [];
    for (const candidate of candidates) {
      const out = screen(entry, record, candidate, now, issues);
      if (out) excluded.push(out);
      else eligible.push(candidate);
    }
    const chosen = eligible.length > 0 ? pick(entry.entry.strategy, eligible) : null;
    trace.push({
      entry: key,
      applies: true,
      excluded,
      eligible: eligible.map((c) => c.id),
      chosen: chosen?.id ?? null,
      issues,
    });
    if (chosen) {
      return {
        kind: 'user',
        userId: chosen.id,
        rule: rule.key,
        entry: key,
        strategy: entry.entry.strategy,
        assignedAt: new Date(instantMs(now)).toISOString(),
        trace,
      };
    }
  }
  const { pool, notify } = rule.rule.fallback;
  const applied = trace.some((t) => t.applies);
  return {
    kind: 'pool',
    pool,
    notify: notify ?? null,
    rule: rule.key,
    reason: applied
      ? {
          'zh-CN': '没有可分配的人员（均被排除）',
          en: 'no eligible candidate: everybody was excluded',
        }
      : { 'zh-CN': '没有适用的分配条目', en: 'no assignment entry applies to this record' },
    trace,
  };
}

/** Compiles an assignment rule (its table already resolved), reporting cross-reference issues. */
export function compileAssignmentRule(
  compiler: RuleCompiler,
  table: TableDefinition,
  rule: AssignmentRule,
  at: Path,
): CompiledAssignmentRule {
  compiler.unique(
    rule.entries.map((e) => e.key),
    [...at, 'entries'],
    ['entry', '分配条目'],
  );
  if (rule.fallback.notify !== undefined)
    compiler.recipient(rule.fallback.notify, [...at, 'fallback', 'notify']);
  const entries = rule.entries.map((entry, i): CompiledEntry => {
    const where = [...at, 'entries', i];
    entry.capacity?.closedStages?.forEach((s, j) =>
      compiler.stage(table, s, [...where, 'capacity', 'closedStages', j]),
    );
    return {
      entry,
      when:
        entry.when === undefined
          ? null
          : compiler.cel(entry.when, { record: table.fields }, 'bool', [...where, 'when']),
      candidates: compiler.cel(entry.candidates, { record: table.fields, user: true }, 'bool', [
        ...where,
        'candidates',
      ]),
    };
  });
  return { key: rule.key, table: table.key, rule, entries };
}
