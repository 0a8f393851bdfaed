// Compiles every rule of a definition once (CEL parsed and type-checked, lists and ranges indexed),
// so evaluating them on each write is a hot path with no parsing.
import type { AppDefinition, TableDefinition } from '../definition/definition-schema';
import type { DefinitionIssue, Result } from '../definition/definition-issue';
import { compileAssignmentRule, type CompiledAssignmentRule } from './assignment';
import { compileDedupeRule, type CompiledDedupeRule } from './dedupe';
import { compileGate, type CompiledGate } from './gate';
import { checkNormalizeRule, createNormalizer, type CompiledNormalizer } from './normalizer';
import { createRuleCompiler, type Path, type RuleCompiler } from './rule-compiler';
import { compileScorecard } from './compile-scorecard';
import type { CompiledScorecard } from './scorecard';
import { compileTaggingRule, type CompiledTaggingRule } from './tagging';

/** The compiled rules of one table, each list in definition order. */
export interface CompiledTableRules {
  readonly table: string;
  readonly normalizer: CompiledNormalizer;
  readonly dedupe: readonly CompiledDedupeRule[];
  readonly tagging: readonly CompiledTaggingRule[];
  readonly scorecards: readonly CompiledScorecard[];
  readonly assignment: readonly CompiledAssignmentRule[];
  readonly gates: readonly CompiledGate[];
  /** Behaviour event types the table's scorecards score: the events the platform must load. */
  readonly eventTypes: readonly string[];
  /** The table's first tags field, where dedupe tags go; null when it has none. */
  readonly tagsField: string | null;
}

export interface CompiledRules {
  /** The rules of a table; a table without rules gets empty lists and a pass-through normalizer. */
  forTable(key: string): CompiledTableRules;
}

interface Builder {
  table: TableDefinition;
  normalizer: CompiledNormalizer;
  dedupe: CompiledDedupeRule[];
  tagging: CompiledTaggingRule[];
  scorecards: CompiledScorecard[];
  assignment: CompiledAssignmentRule[];
  gates: CompiledGate[];
}

const cache = new WeakMap<AppDefinition, Result<CompiledRules>>();

/**
 * Compiles the rules of a validated definition; cached per definition object (definitions are
 * never mutated), so calling it on every write of a published version costs one look-up. Fails
 * with the same issues publish reports.
 * @example const rules = compileRules(definition); if (rules.ok) rules.value.forTable('lead').tagging
 */
export function compileRules(definition: AppDefinition): Result<CompiledRules> {
  const cached = cache.get(definition);
  if (cached) return cached;
  const compiler = createRuleCompiler(definition);
  const builders = build(compiler);
  const result: Result<CompiledRules> =
    compiler.issues.length > 0
      ? { ok: false, issues: compiler.issues }
      : { ok: true, value: freeze(definition, builders) };
  cache.set(definition, result);
  return result;
}

/**
 * Compiles the rules of a published definition, which publish already validated; throws otherwise.
 * @example compileRulesOrThrow(published).forTable('lead')
 */
export function compileRulesOrThrow(definition: AppDefinition): CompiledRules {
  const result = compileRules(definition);
  if (result.ok) return result.value;
  const first = result.issues[0];
  throw new Error(`rules do not compile: ${first?.pointer} ${first?.message.en}`);
}

/**
 * The problems of a definition's rules: unknown tables, fields, lists, stages, roles and flows,
 * fields of the wrong type, CEL that does not type-check, malformed CIDR ranges, unordered bands.
 * @example validateRules(draft) // [{ pointer: '/rules/tagging/0/fields/0', code: 'UNKNOWN_FIELD', … }]
 */
export function validateRules(definition: AppDefinition): DefinitionIssue[] {
  const result = compileRules(definition);
  return result.ok ? [] : [...result.issues];
}

function build(compiler: RuleCompiler): Map<string, Builder> {
  const { definition } = compiler;
  const rules = definition.rules ?? {};
  const builders = new Map<string, Builder>();
  const normalizeRules = new Map((rules.normalize ?? []).map((r) => [r.table, r]));
  const builderOf = (key: string, at: Path): Builder | undefined => {
    const existing = builders.get(key);
    if (existing) return existing;
    const table = compiler.table(key, at);
    if (!table) return undefined;
    const builder: Builder = {
      table,
      normalizer: createNormalizer(table, normalizeRules.get(key)),
      dedupe: [],
      tagging: [],
      scorecards: [],
      assignment: [],
      gates: [],
    };
    builders.set(key, builder);
    return builder;
  };

  const seenNormalize = new Set<string>();
  rules.normalize?.forEach((rule, i) => {
    const at = ['rules', 'normalize', i];
    if (seenNormalize.has(rule.table)) {
      compiler.report(
        [...at, 'table'],
        'DUPLICATE_KEY',
        `table "${rule.table}" already has normalizers`,
        `表「${rule.table}」已有规范化规则`,
      );
    }
    seenNormalize.add(rule.table);
    const b = builderOf(rule.table, [...at, 'table']);
    if (b) checkNormalizeRule(compiler, b.table, rule, at);
  });

  const kinds = [
    ['dedupe', rules.dedupe, ['dedupe rule', '去重规则']],
    ['tagging', rules.tagging, ['tagging rule', '标签规则']],
    ['scorecards', rules.scorecards, ['scorecard', '评分卡']],
    ['assignment', rules.assignment, ['assignment rule', '分配规则']],
    ['gates', rules.gates, ['gate', '阶段门槛']],
  ] as const;
  for (const [name, list, what] of kinds) {
    compiler.unique(
      (list ?? []).map((r) => r.key),
      ['rules', name],
      what,
    );
  }

  rules.dedupe?.forEach((rule, i) => {
    const at = ['rules', 'dedupe', i];
    const b = builderOf(rule.table, [...at, 'table']);
    if (b) b.dedupe.push(compileDedupeRule(compiler, b.table, rule, b.normalizer, at));
  });
  rules.tagging?.forEach((rule, i) => {
    const at = ['rules', 'tagging', i];
    const b = builderOf(rule.table, [...at, 'table']);
    if (b) b.tagging.push(compileTaggingRule(compiler, b.table, rule, b.normalizer, at));
  });
  rules.scorecards?.forEach((card, i) => {
    const at = ['rules', 'scorecards', i];
    const b = builderOf(card.table, [...at, 'table']);
    if (b) b.scorecards.push(compileScorecard(compiler, b.table, card, at));
  });
  rules.assignment?.forEach((rule, i) => {
    const at = ['rules', 'assignment', i];
    const b = builderOf(rule.table, [...at, 'table']);
    if (b) b.assignment.push(compileAssignmentRule(compiler, b.table, rule, at));
  });
  rules.gates?.forEach((gate, i) => {
    const at = ['rules', 'gates', i];
    const b = builderOf(gate.table, [...at, 'table']);
    if (b) b.gates.push(compileGate(compiler, b.table, gate, at));
  });
  return builders;
}

function freeze(definition: AppDefinition, builders: Map<string, Builder>): CompiledRules {
  const tables = new Map<string, CompiledTableRules>();
  const empty = (table: Pick<TableDefinition, 'key' | 'fields'>): CompiledTableRules => ({
    table: table.key,
    normalizer: createNormalizer(table, undefined),
    dedupe: [],
    tagging: [],
    scorecards: [],
    assignment: [],
    gates: [],
    eventTypes: [],
    tagsField: table.fields.find((f) => f.type === 'tags')?.key ?? null,
  });
  for (const table of definition.tables) tables.set(table.key, empty(table));
  for (const [key, b] of builders) {
    const eventTypes = [...new Set(b.scorecards.flatMap((c) => c.eventTypes))];
    const { normalizer, dedupe, tagging, scorecards, assignment, gates } = b;
    tables.set(key, {
      ...empty(b.table),
      normalizer,
      dedupe,
      tagging,
      scorecards,
      assignment,
      gates,
      eventTypes,
    });
  }
  return { forTable: (key) => tables.get(key) ?? empty({ key, fields: [] }) };
}
