// The visual condition builder's model (field / operator / value rows in AND/OR groups) and its
// two-way translation to CEL: the builder writes CEL, and reads back the CEL it wrote.
import type { FieldDefinition } from '../../../runtime/definition/field-schema';

export type Operator =
  '==' | '!=' | '>' | '>=' | '<' | '<=' | 'contains' | 'in' | 'is_empty' | 'is_set';

export interface ConditionRow {
  readonly kind: 'row';
  readonly field: string;
  readonly operator: Operator;
  /** As typed; lists (for `in`) are comma-separated. */
  readonly value: string;
}

export interface ConditionGroup {
  readonly kind: 'group';
  readonly join: 'and' | 'or';
  readonly items: ReadonlyArray<ConditionRow | ConditionGroup>;
}

export const operatorLabels: Record<Operator, { 'zh-CN': string; en: string }> = {
  '==': { 'zh-CN': '等于', en: 'equals' },
  '!=': { 'zh-CN': '不等于', en: 'is not' },
  '>': { 'zh-CN': '大于', en: '>' },
  '>=': { 'zh-CN': '大于等于', en: '≥' },
  '<': { 'zh-CN': '小于', en: '<' },
  '<=': { 'zh-CN': '小于等于', en: '≤' },
  contains: { 'zh-CN': '包含', en: 'contains' },
  in: { 'zh-CN': '属于', en: 'is one of' },
  is_empty: { 'zh-CN': '为空', en: 'is empty' },
  is_set: { 'zh-CN': '不为空', en: 'is set' },
};

const numeric = new Set(['number', 'money', 'integer', 'auto_number']);
const textual = new Set(['text', 'long_text', 'select', 'phone', 'email', 'url', 'user']);

/** The operators that make sense for a field's type. */
export function operatorsFor(field: FieldDefinition | undefined): Operator[] {
  const type = field?.type === 'computed' ? field.resultType : field?.type;
  if (type && numeric.has(type)) return ['==', '!=', '>', '>=', '<', '<=', 'is_empty', 'is_set'];
  if (type === 'boolean') return ['==', '!=', 'is_empty', 'is_set'];
  if (type === 'date' || type === 'datetime') return ['>', '>=', '<', '<=', 'is_empty', 'is_set'];
  if (type === 'multi_select' || type === 'tags') return ['contains', 'is_empty', 'is_set'];
  if (type && textual.has(type)) return ['==', '!=', 'contains', 'in', 'is_empty', 'is_set'];
  return ['==', '!=', 'is_empty', 'is_set'];
}

function literal(field: FieldDefinition | undefined, raw: string): string {
  const type = field?.type === 'computed' ? field.resultType : field?.type;
  const text = raw.trim();
  if (type === 'integer' || type === 'auto_number') return String(Math.trunc(Number(text) || 0));
  if (type && numeric.has(type)) {
    const n = Number(text) || 0;
    return Number.isInteger(n) ? `${n}.0` : String(n);
  }
  if (type === 'boolean') return text === 'true' ? 'true' : 'false';
  if (type === 'date' || type === 'datetime') return `timestamp(${JSON.stringify(text)})`;
  return JSON.stringify(raw);
}

function rowToCel(row: ConditionRow, fields: readonly FieldDefinition[]): string {
  const field = fields.find((f) => f.key === row.field);
  const path = `record.${row.field}`;
  const list = field?.type === 'multi_select' || field?.type === 'tags';
  switch (row.operator) {
    case 'is_empty':
      return list ? `size(${path}) == 0` : `${path} == null`;
    case 'is_set':
      return list ? `size(${path}) > 0` : `${path} != null`;
    case 'contains':
      return list
        ? `${JSON.stringify(row.value)} in ${path}`
        : `${path}.contains(${JSON.stringify(row.value)})`;
    case 'in': {
      const values = row.value
        .split(/[,，]/)
        .map((v) => v.trim())
        .filter((v) => v !== '');
      return `${path} in [${values.map((v) => JSON.stringify(v)).join(', ')}]`;
    }
    default:
      return `${path} ${row.operator} ${literal(field, row.value)}`;
  }
}

/**
 * CEL for a group; empty groups are `true`.
 * @example toCel({ kind: 'group', join: 'and', items: [{ kind: 'row', field: 'budget', operator: '>=', value: '100000' }] }, fields) // 'record.budget >= 100000.0'
 */
export function toCel(
  group: ConditionGroup,
  fields: readonly FieldDefinition[],
  nested = false,
): string {
  const parts = group.items.map((item) =>
    item.kind === 'row' ? rowToCel(item, fields) : toCel(item, fields, true),
  );
  if (parts.length === 0) return 'true';
  if (parts.length === 1) return parts[0]!;
  const joined = parts.join(group.join === 'and' ? ' && ' : ' || ');
  return nested ? `(${joined})` : joined;
}

// ── reading CEL back: only the shapes toCel writes ─────────────────────────────────────────────
const rowPatterns: Array<[RegExp, (m: RegExpMatchArray) => ConditionRow]> = [
  [/^size\(record\.(\w+)\) == 0$/, (m) => row(m[1]!, 'is_empty', '')],
  [/^size\(record\.(\w+)\) > 0$/, (m) => row(m[1]!, 'is_set', '')],
  [/^record\.(\w+) == null$/, (m) => row(m[1]!, 'is_empty', '')],
  [/^record\.(\w+) != null$/, (m) => row(m[1]!, 'is_set', '')],
  [
    /^record\.(\w+)\.contains\(("(?:[^"\\]|\\.)*")\)$/,
    (m) => row(m[1]!, 'contains', JSON.parse(m[2]!) as string),
  ],
  [
    /^("(?:[^"\\]|\\.)*") in record\.(\w+)$/,
    (m) => row(m[2]!, 'contains', JSON.parse(m[1]!) as string),
  ],
  [
    /^record\.(\w+) in \[(.*)\]$/,
    (m) => row(m[1]!, 'in', (JSON.parse(`[${m[2]!}]`) as string[]).join(', ')),
  ],
  [
    /^record\.(\w+) (==|!=|>=|<=|>|<) (.+)$/,
    (m) => {
      let value = m[3]!;
      const ts = /^timestamp\(("(?:[^"\\]|\\.)*")\)$/.exec(value);
      if (ts) value = JSON.parse(ts[1]!) as string;
      else if (value.startsWith('"')) value = JSON.parse(value) as string;
      else value = value.replace(/\.0$/, '');
      return row(m[1]!, m[2] as Operator, value);
    },
  ],
];

function row(field: string, operator: Operator, value: string): ConditionRow {
  return { kind: 'row', field, operator, value };
}

/** Splits at top-level `sep` (outside parentheses, brackets and strings). */
function splitTop(source: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && source.startsWith(sep, i)) {
      parts.push(source.slice(start, i).trim());
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(source.slice(start).trim());
  return parts;
}

function wrapped(source: string): boolean {
  if (!source.startsWith('(') || !source.endsWith(')')) return false;
  return splitTop(source, ' && ').length === 1 && splitTop(source, ' || ').length === 1;
}

/**
 * The builder's model of a CEL condition, or null when it is not one the builder can show (the
 * advanced editor keeps it then).
 * @example fromCel('record.budget >= 100000.0') // { kind: 'group', join: 'and', items: [row] }
 */
export function fromCel(source: string): ConditionGroup | null {
  const text = source.trim();
  if (text === '' || text === 'true') return { kind: 'group', join: 'and', items: [] };
  const parse = (s: string): ConditionGroup | ConditionRow | null => {
    const t = s.trim();
    for (const join of ['or', 'and'] as const) {
      const parts = splitTop(t, join === 'and' ? ' && ' : ' || ');
      if (parts.length > 1) {
        const items = parts.map((p) => parse(wrapped(p) ? p.slice(1, -1) : p));
        if (items.some((i) => i === null)) return null;
        return { kind: 'group', join, items: items as Array<ConditionGroup | ConditionRow> };
      }
    }
    if (wrapped(t)) return parse(t.slice(1, -1));
    for (const [pattern, build] of rowPatterns) {
      const m = pattern.exec(t);
      if (m) {
        try {
          return build(m);
        } catch {
          return null;
        }
      }
    }
    return null;
  };
  const parsed = parse(text);
  if (!parsed) return null;
  return parsed.kind === 'group' ? parsed : { kind: 'group', join: 'and', items: [parsed] };
}
