// Tagging: every matching rule adds its tags, each with the reason it matched.
import type { CelInput } from '../cel/compile-cel';
import { ipInRange, parseCidr, parseIp, type Cidr } from '../cel/ip-cidr';
import type { TableDefinition } from '../definition/definition-schema';
import type { LocalizedText } from '../localized-text';
import { createKeywordMatcher } from './keyword-match';
import type { CompiledNormalizer } from './normalizer';
import type { Path, RuleCompiler } from './rule-compiler';
import { celRuleIssue, type RecordJson, type RuleIssue } from './rule-issue';
import type { TaggingRule } from './tagging-schema';

type Test = (record: RecordJson, now: Date | string) => Hit | RuleIssue | null;
interface Hit {
  readonly tags: readonly string[];
  readonly why: LocalizedText;
}

export interface CompiledTaggingRule {
  readonly key: string;
  readonly table: string;
  readonly kind: TaggingRule['kind'];
  /** The tags field the tags go into. */
  readonly into: string;
  readonly test: Test;
}

export interface TagMatch {
  readonly rule: string;
  readonly into: string;
  readonly tags: readonly string[];
  readonly why: LocalizedText;
}

export interface TaggingResult {
  /** Every tag the matching rules add, without repeats, in rule order. */
  readonly tags: readonly string[];
  readonly matched: readonly TagMatch[];
  readonly issues: readonly RuleIssue[];
}

export interface TaggingContext {
  readonly now: Date | string;
}

/**
 * Runs a table's tagging rules on a record. Rules only add tags; a rule whose condition cannot be
 * evaluated adds nothing and is reported.
 * @example applyTagging(rules, { message: '想了解ＣＴ' }, { now }).tags // ['影像设备']
 */
export function applyTagging(
  rules: readonly CompiledTaggingRule[],
  record: RecordJson,
  ctx: TaggingContext,
): TaggingResult {
  const tags = new Set<string>();
  const matched: TagMatch[] = [];
  const issues: RuleIssue[] = [];
  for (const rule of rules) {
    const hit = rule.test(record, ctx.now);
    if (hit === null) continue;
    if ('code' in hit) {
      issues.push(hit);
      continue;
    }
    for (const tag of hit.tags) tags.add(tag);
    matched.push({ rule: rule.key, into: rule.into, tags: hit.tags, why: hit.why });
  }
  return { tags: [...tags], matched, issues };
}

function labelOf(table: TableDefinition, key: string): LocalizedText {
  return table.fields.find((f) => f.key === key)?.label ?? { 'zh-CN': key, en: key };
}

function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function keywordsTest(
  table: TableDefinition,
  rule: Extract<TaggingRule, { kind: 'keywords' }>,
): Test {
  const matcher = createKeywordMatcher(rule.keywords);
  return (record) => {
    for (const field of rule.fields) {
      for (const text of textsOf(record[field])) {
        const keyword = matcher.find(text);
        if (keyword === null) continue;
        const label = labelOf(table, field);
        return {
          tags: rule.tags,
          why: {
            'zh-CN': `「${label['zh-CN']}」包含「${keyword}」`,
            en: `${label.en} contains "${keyword}"`,
          },
        };
      }
    }
    return null;
  };
}

function cidrTest(
  ranges: readonly { text: string; cidr: Cidr }[],
  field: string,
  tags: readonly string[],
): Test {
  return (record) => {
    const value = record[field];
    const ip = typeof value === 'string' ? parseIp(value) : null;
    if (ip === null) return null;
    const range = ranges.find((r) => ipInRange(ip, r.cidr));
    if (!range) return null;
    const address = (value as string).trim();
    return {
      tags,
      why: { 'zh-CN': `IP ${address} 属于 ${range.text}`, en: `IP ${address} is in ${range.text}` },
    };
  };
}

function organizationTest(
  rule: Extract<TaggingRule, { kind: 'organization' }>,
  entries: readonly string[],
  normalizer: CompiledNormalizer,
): Test {
  const forms = new Map<string, string>();
  for (const entry of entries) {
    const form = normalizer.matchForm(rule.field, entry);
    if (form !== null && !forms.has(form)) forms.set(form, entry);
  }
  const contains = rule.match === 'contains';
  const source = rule.list ?? rule.key;
  return (record) => {
    const value = record[rule.field];
    const form = typeof value === 'string' ? normalizer.matchForm(rule.field, value) : null;
    if (form === null) return null;
    let entry = forms.get(form);
    if (entry === undefined && contains) {
      for (const [f, e] of forms) if (form.includes(f)) entry = e;
    }
    if (entry === undefined) return null;
    return {
      tags: rule.tags,
      why: {
        'zh-CN': `机构「${entry}」在名单「${source}」中`,
        en: `organisation "${entry}" is on the list "${source}"`,
      },
    };
  };
}

function channelTest(
  table: TableDefinition,
  rule: Extract<TaggingRule, { kind: 'channel' }>,
): Test {
  const label = labelOf(table, rule.field);
  return (record) => {
    const values = textsOf(record[rule.field]).map((v) => v.trim());
    const hit = values.filter((v) => Object.hasOwn(rule.channels, v));
    if (hit.length === 0) return null;
    const tags = [...new Set(hit.flatMap((v) => rule.channels[v] ?? []))];
    const shown = hit.join('、');
    return {
      tags,
      why: { 'zh-CN': `「${label['zh-CN']}」为「${shown}」`, en: `${label.en} is "${shown}"` },
    };
  };
}

/** Compiles one tagging rule (its table already resolved), reporting every cross-reference issue. */
export function compileTaggingRule(
  compiler: RuleCompiler,
  table: TableDefinition,
  rule: TaggingRule,
  normalizer: CompiledNormalizer,
  at: Path,
): CompiledTaggingRule {
  const into = rule.into ?? table.fields.find((f) => f.type === 'tags')?.key;
  if (into === undefined) {
    compiler.report(
      [...at, 'into'],
      'NO_TAGS_FIELD',
      `table "${table.key}" has no tags field for the tags`,
      `表「${table.key}」没有可写入标签的标签字段`,
    );
  } else if (rule.into !== undefined) compiler.field(table, into, [...at, 'into'], ['tags']);
  const base = { key: rule.key, table: table.key, kind: rule.kind, into: into ?? '' };

  switch (rule.kind) {
    case 'cel': {
      const expression = compiler.cel(rule.when, { record: table.fields }, 'bool', [...at, 'when']);
      const why = { 'zh-CN': `满足条件：${rule.when}`, en: `condition holds: ${rule.when}` };
      const test: Test = (record, now) => {
        const result = expression.evaluate({ record, now } satisfies CelInput);
        if (!result.ok) return celRuleIssue(rule.key, result.issues);
        return result.value === true ? { tags: rule.tags, why } : null;
      };
      return { ...base, test };
    }
    case 'keywords':
      rule.fields.forEach((f, i) =>
        compiler.field(table, f, [...at, 'fields', i], ['text', 'long_text']),
      );
      return { ...base, test: keywordsTest(table, rule) };
    case 'cidr': {
      compiler.field(table, rule.field, [...at, 'field'], ['text']);
      const texts = sourceOf(compiler, rule, at);
      const ranges: { text: string; cidr: Cidr }[] = [];
      texts.forEach(({ text, at: where }) => {
        const cidr = parseCidr(text);
        if (cidr) ranges.push({ text: text.trim(), cidr });
        else
          compiler.report(
            where,
            'INVALID_CIDR',
            `"${text}" is not a CIDR range such as 10.0.0.0/8`,
            `「${text}」不是有效的网段（例如 10.0.0.0/8）`,
          );
      });
      return { ...base, test: cidrTest(ranges, rule.field, rule.tags) };
    }
    case 'organization': {
      compiler.field(table, rule.field, [...at, 'field'], ['text']);
      const entries = sourceOf(compiler, rule, at).map((e) => e.text);
      return { ...base, test: organizationTest(rule, entries, normalizer) };
    }
    case 'channel':
      compiler.field(table, rule.field, [...at, 'field'], ['select', 'multi_select', 'text']);
      return { ...base, test: channelTest(table, rule) };
  }
}

/** Inline entries and/or a named list's values (and labels, for organisations), with their paths. */
function sourceOf(
  compiler: RuleCompiler,
  rule: Extract<TaggingRule, { kind: 'cidr' | 'organization' }>,
  at: Path,
): { text: string; at: Path }[] {
  const inline = rule.kind === 'cidr' ? rule.ranges : rule.organizations;
  const inlineKey = rule.kind === 'cidr' ? 'ranges' : 'organizations';
  if (inline === undefined && rule.list === undefined) {
    compiler.report(
      at,
      'NO_ENTRIES',
      `give ${inlineKey} or a list`,
      rule.kind === 'cidr' ? '请填写网段或选择列表' : '请填写机构名称或选择名单',
    );
  }
  const out = (inline ?? []).map((text, i) => ({ text, at: [...at, inlineKey, i] }));
  const list = rule.list === undefined ? [] : (compiler.list(rule.list, [...at, 'list']) ?? []);
  list.forEach((option, i) => {
    const where = ['lists', rule.list as string, i, 'value'];
    out.push({ text: option.value, at: where });
    if (rule.kind === 'organization') {
      out.push({ text: option.label['zh-CN'], at: where }, { text: option.label.en, at: where });
    }
  });
  return out;
}
