// Cleans a table's incoming values (trim, phones to E.164, e-mails, organisation names) and gives
// the form values are compared in for dedupe keys and organisation lists.
import { normalizeOrg, toHalfWidth } from '../cel/text-match';
import type { TableDefinition } from '../definition/definition-schema';
import type { FieldType } from '../definition/field-schema';
import type { NormalizeRule } from './normalize-schema';
import { orgMatchForm, stripOrgSuffixes } from './organization-name';
import { DEFAULT_PHONE_REGION, isPhoneRegion, normalizePhone } from './phone-number';
import type { Path, RuleCompiler } from './rule-compiler';
import type { RecordJson, RuleIssue } from './rule-issue';

export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly by: 'trim' | 'phone' | 'email' | 'organization';
}

export interface NormalizeResult {
  readonly record: RecordJson;
  readonly changes: readonly FieldChange[];
  readonly issues: readonly RuleIssue[];
}

export interface CompiledNormalizer {
  readonly table: string;
  /** Cleans the values present in `record` (a patch stays a patch); returns a new object. */
  normalize(record: RecordJson): NormalizeResult;
  /**
   * The form a field's value is compared in: phones as E.164, organisation names without legal
   * suffixes, all text half-width, trimmed, single-spaced and lower-cased. Null when empty.
   */
  matchForm(field: string, value: unknown): string | null;
}

type Kind = 'phone' | 'email' | 'organization' | 'text' | 'other';

const textTypes: readonly FieldType[] = ['text', 'long_text', 'phone', 'email', 'url'];

type TableShape = Pick<TableDefinition, 'key' | 'fields'>;

function kindsOf(table: TableShape, rule: NormalizeRule | undefined): Map<string, Kind> {
  const kinds = new Map<string, Kind>();
  for (const f of table.fields) {
    const byType = f.type === 'phone' || f.type === 'email' ? f.type : undefined;
    kinds.set(f.key, byType ?? (textTypes.includes(f.type) ? 'text' : 'other'));
  }
  for (const key of rule?.phone?.fields ?? []) kinds.set(key, 'phone');
  for (const key of rule?.email?.fields ?? []) kinds.set(key, 'email');
  for (const key of rule?.organization?.fields ?? []) kinds.set(key, 'organization');
  return kinds;
}

function regionsOf(table: TableShape, rule: NormalizeRule | undefined): Map<string, string> {
  const fallback = rule?.phone?.defaultRegion ?? DEFAULT_PHONE_REGION;
  return new Map(
    table.fields.map((f) => [f.key, (f.type === 'phone' && f.defaultRegion) || fallback]),
  );
}

function digitsOf(text: string): string {
  return toHalfWidth(text).replace(/[^0-9+]/g, '');
}

function listMatchForm(values: readonly unknown[], one: (v: unknown) => string | null) {
  const forms = values.map(one).filter((v): v is string => v !== null);
  return forms.length === 0 ? null : forms.sort().join('\u001f');
}

/**
 * Builds the normalizer of a table. Without a rule nothing is rewritten, but values still compare
 * in their match form.
 */
export function createNormalizer(
  table: TableShape,
  rule: NormalizeRule | undefined,
): CompiledNormalizer {
  const kinds = kindsOf(table, rule);
  const regions = regionsOf(table, rule);
  const suffixes = rule?.organization?.stripSuffixes ?? [];
  const trim = rule !== undefined && rule.trimText !== false;
  const phones = rule?.phone !== undefined;
  const emails = rule?.email !== undefined;
  const storeStripped = rule?.organization?.storeStripped === true;

  function clean(field: string, value: string, issues: RuleIssue[]): [string, FieldChange['by']] {
    const kind = kinds.get(field);
    if (kind === 'phone' && phones) {
      const parsed = normalizePhone(value, regions.get(field));
      if (parsed.ok) return [parsed.e164, 'phone'];
      if (parsed.reason === 'unparseable') {
        issues.push({
          field,
          code: 'PHONE_UNPARSEABLE',
          message: {
            'zh-CN': `「${value.trim()}」不是有效的电话号码，已按原样保存`,
            en: `"${value.trim()}" is not a valid phone number; kept as typed`,
          },
        });
      }
    }
    if (kind === 'email' && emails) return [value.trim().toLowerCase(), 'email'];
    if (kind === 'organization') {
      return [
        storeStripped ? stripOrgSuffixes(value, suffixes) : normalizeOrg(value),
        'organization',
      ];
    }
    return [trim && kind !== 'other' ? value.trim() : value, 'trim'];
  }

  function normalize(record: RecordJson): NormalizeResult {
    const out: Record<string, unknown> = { ...record };
    const changes: FieldChange[] = [];
    const issues: RuleIssue[] = [];
    if (rule === undefined) return { record: out, changes, issues };
    for (const [field, before] of Object.entries(record)) {
      if (typeof before !== 'string' || !kinds.has(field)) continue;
      const [after, by] = clean(field, before, issues);
      if (after !== before) {
        out[field] = after;
        changes.push({ field, before, after, by });
      }
    }
    return { record: out, changes, issues };
  }

  function scalarForm(field: string, value: unknown): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'string') return JSON.stringify(value);
    if (value.trim() === '') return null;
    switch (kinds.get(field)) {
      case 'phone': {
        const parsed = normalizePhone(value, regions.get(field));
        return parsed.ok ? parsed.e164 : digitsOf(value) || null;
      }
      case 'organization':
        return orgMatchForm(value, suffixes) || null;
      default:
        return normalizeOrg(value).toLowerCase() || null;
    }
  }

  return {
    table: table.key,
    normalize,
    matchForm: (field, value) =>
      Array.isArray(value)
        ? listMatchForm(value, (v) => scalarForm(field, v))
        : scalarForm(field, value),
  };
}

/** Cross-checks one table's normalize rule. */
export function checkNormalizeRule(
  compiler: RuleCompiler,
  table: TableDefinition,
  rule: NormalizeRule,
  at: Path,
): void {
  const region = rule.phone?.defaultRegion;
  if (region !== undefined && !isPhoneRegion(region)) {
    compiler.report(
      [...at, 'phone', 'defaultRegion'],
      'UNKNOWN_REGION',
      `"${region}" is not a region phone numbers are known for`,
      `「${region}」不是可识别的电话号码地区`,
    );
  }
  rule.phone?.fields?.forEach((f, i) =>
    compiler.field(table, f, [...at, 'phone', 'fields', i], ['phone', 'text']),
  );
  rule.email?.fields?.forEach((f, i) =>
    compiler.field(table, f, [...at, 'email', 'fields', i], ['email', 'text']),
  );
  rule.organization?.fields.forEach((f, i) =>
    compiler.field(table, f, [...at, 'organization', 'fields', i], ['text']),
  );
}
