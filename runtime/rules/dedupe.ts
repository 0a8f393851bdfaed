// Dedupe keys and outcomes: the pure half of "same phone and organisation within 30 days".
import type { TableDefinition } from '../definition/definition-schema';
import type { LocalizedText } from '../localized-text';
import type { DedupeRule } from './dedupe-schema';
import { instantMs, isoMs } from './instant';
import type { CompiledNormalizer } from './normalizer';
import type { Path, RuleCompiler } from './rule-compiler';
import type { RecordJson } from './rule-issue';

export interface CompiledDedupeRule {
  readonly key: string;
  readonly table: string;
  readonly rule: DedupeRule;
  readonly windowMs: number;
  readonly normalizer: CompiledNormalizer;
}

/** What the platform looks up for one rule: records of the table with this key since `since`. */
export interface DedupeLookup {
  readonly rule: string;
  /** Stable text of the match forms of the key fields; store it per record to look it up. */
  readonly key: string;
  /** Each key field's match form, for lookups against normalised columns. */
  readonly values: Readonly<Record<string, string>>;
  /** Start of the window (ISO 8601, UTC): only records created at or after it count. */
  readonly since: string;
}

/** The earlier record a lookup found. */
export interface DedupeMatch {
  readonly id: string;
  readonly owner: string | null;
}

export type DedupeOutcome =
  | { readonly kind: 'unique' }
  | {
      readonly kind: 'returning' | 'flagged';
      readonly rule: string;
      readonly original: string;
      /** `returning`: the original's owner takes the record and assignment is skipped. */
      readonly owner: string | null;
      /** Values to write: the link to the original, when the rule names a link field. */
      readonly set: Readonly<Record<string, unknown>>;
      readonly tags: readonly string[];
      readonly notify: string | null;
    }
  | {
      readonly kind: 'blocked';
      readonly rule: string;
      readonly original: string;
      readonly message: LocalizedText;
    };

export function compileDedupeRule(
  compiler: RuleCompiler,
  table: TableDefinition,
  rule: DedupeRule,
  normalizer: CompiledNormalizer,
  at: Path,
): CompiledDedupeRule {
  rule.keys.forEach((k, i) => compiler.field(table, k, [...at, 'keys', i]));
  if (rule.linkField !== undefined) {
    const link = compiler.field(table, rule.linkField, [...at, 'linkField'], ['relation']);
    if (link?.type === 'relation' && link.table !== table.key) {
      compiler.report(
        [...at, 'linkField'],
        'LINK_TABLE',
        `link field "${link.key}" points at "${link.table}", not at "${table.key}"`,
        `关联字段「${link.key}」指向「${link.table}」而不是「${table.key}」`,
      );
    }
  }
  if (rule.notify !== undefined) compiler.recipient(rule.notify, [...at, 'notify']);
  return {
    key: rule.key,
    table: table.key,
    rule,
    windowMs: isoMs(rule.window),
    normalizer,
  };
}

/**
 * The text two records share when the rule sees them as the same: the match forms of the key
 * fields. Null when any key field is empty (a lead without a phone matches nobody by phone).
 * @example dedupeKey(rule, { phone: '138 0013 8000', organization: '协和医院' }) // '["+8613800138000","协和医院"]'
 */
export function dedupeKey(rule: CompiledDedupeRule, record: RecordJson): string | null {
  const forms: string[] = [];
  for (const field of rule.rule.keys) {
    const form = rule.normalizer.matchForm(field, record[field]);
    if (form === null) return null;
    forms.push(form);
  }
  return JSON.stringify(forms);
}

/**
 * The lookups the platform runs before the write, one per rule of the table whose key fields are
 * all filled, in rule order. The first rule whose lookup finds a record decides (`dedupeOutcome`).
 */
export function dedupeLookups(
  rules: readonly CompiledDedupeRule[],
  record: RecordJson,
  now: Date | string,
): DedupeLookup[] {
  const at = instantMs(now);
  const out: DedupeLookup[] = [];
  for (const rule of rules) {
    const key = dedupeKey(rule, record);
    if (key === null) continue;
    const values: Record<string, string> = {};
    for (const field of rule.rule.keys) {
      values[field] = rule.normalizer.matchForm(field, record[field]) as string;
    }
    out.push({ rule: rule.key, key, values, since: new Date(at - rule.windowMs).toISOString() });
  }
  return out;
}

/**
 * What a match means under the rule; `unique` when the lookup found nothing.
 * @example dedupeOutcome(rule, { id: 'r1', owner: 'u7' }) // { kind: 'returning', owner: 'u7', … }
 */
export function dedupeOutcome(rule: CompiledDedupeRule, match: DedupeMatch | null): DedupeOutcome {
  if (match === null) return { kind: 'unique' };
  const { outcome, linkField, tag, notify, message } = rule.rule;
  if (outcome === 'block') {
    return {
      kind: 'blocked',
      rule: rule.key,
      original: match.id,
      message: message ?? {
        'zh-CN': '重复线索：已存在相同的记录',
        en: 'duplicate: a matching record already exists',
      },
    };
  }
  return {
    kind: outcome === 'mark_returning' ? 'returning' : 'flagged',
    rule: rule.key,
    original: match.id,
    owner: match.owner,
    set: linkField === undefined ? {} : { [linkField]: match.id },
    tags: tag === undefined ? [] : [tag],
    notify: notify ?? null,
  };
}
