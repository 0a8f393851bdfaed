// Checks values against the JSON Schema subset compileForm produces, without generating code:
// the designer runs under a Content-Security-Policy without 'unsafe-eval', which forbids ajv's
// compiled validators in the browser. The server keeps validating with ajv.
import type { LocalizedText } from '../localized-text';
import type { JsonSchema } from './record-json-schema';

export interface ValueProblem {
  /** JSON pointer of the value, e.g. `/phone` or `/roles/1`. */
  readonly pointer: string;
  /** The JSON Schema keyword that failed (`required`, `pattern`, `minItems`, …). */
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message: LocalizedText;
}

const formats: Record<string, RegExp> = {
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[a-z][a-z0-9+.-]*:\S+$/i,
  date: /^\d{4}-\d{2}-\d{2}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function fits(type: string, actual: string): boolean {
  return type === actual || (type === 'number' && actual === 'integer');
}

/**
 * Every problem of `value` against `schema`.
 * @example checkFormValues({ type: 'object', required: ['name'], properties: {} }, {})[0].keyword // 'required'
 */
export function checkFormValues(schema: JsonSchema, value: unknown, pointer = ''): ValueProblem[] {
  const problems: ValueProblem[] = [];
  const add = (keyword: string, params: Record<string, unknown>, en: string, zh: string) =>
    problems.push({ pointer, keyword, params, message: { 'zh-CN': zh, en } });

  const types = schema.type === undefined ? [] : ([] as unknown[]).concat(schema.type);
  const actual = typeOf(value);
  if (types.length > 0 && !types.some((t) => fits(String(t), actual))) {
    add(
      'type',
      { type: types.join(',') },
      `must be ${types.join(' or ')}`,
      `类型应为 ${types.join(' 或 ')}`,
    );
    return problems;
  }
  if (value === null) return problems;
  const choices = (schema.oneOf ??
    (schema.anyOf as JsonSchema[] | undefined)?.find((a) => a.oneOf)?.oneOf) as
    JsonSchema[] | undefined;
  if (choices && choices.every((c) => 'const' in c) && !choices.some((c) => c.const === value)) {
    add('enum', {}, 'must be one of the options', '必须是可选项之一');
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      add(
        'minLength',
        { limit: schema.minLength },
        `must have at least ${schema.minLength} characters`,
        `至少 ${schema.minLength} 个字符`,
      );
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      add(
        'maxLength',
        { limit: schema.maxLength },
        `must have at most ${schema.maxLength} characters`,
        `最多 ${schema.maxLength} 个字符`,
      );
    if (typeof schema.pattern === 'string' && !safeTest(schema.pattern, value))
      add('pattern', { pattern: schema.pattern }, 'has the wrong format', '格式不正确');
    const format = typeof schema.format === 'string' ? formats[schema.format] : undefined;
    if (format && !format.test(value))
      add(
        'format',
        { format: schema.format },
        `must be a valid ${String(schema.format)}`,
        `不是有效的 ${String(schema.format)}`,
      );
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      add(
        'minimum',
        { limit: schema.minimum },
        `must be at least ${schema.minimum}`,
        `不能小于 ${schema.minimum}`,
      );
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      add(
        'maximum',
        { limit: schema.maximum },
        `must be at most ${schema.maximum}`,
        `不能大于 ${schema.maximum}`,
      );
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      add(
        'minItems',
        { limit: schema.minItems },
        `needs at least ${schema.minItems} item(s)`,
        `至少需要 ${schema.minItems} 项`,
      );
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      add(
        'maxItems',
        { limit: schema.maxItems },
        `takes at most ${schema.maxItems} item(s)`,
        `最多 ${schema.maxItems} 项`,
      );
    if (
      schema.uniqueItems === true &&
      new Set(value.map((v) => JSON.stringify(v))).size !== value.length
    )
      add('uniqueItems', {}, 'has duplicate items', '有重复项');
    const items = schema.items as JsonSchema | undefined;
    if (items)
      value.forEach((v, i) => problems.push(...checkFormValues(items, v, `${pointer}/${i}`)));
  }
  if (actual === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (record[key] === undefined || record[key] === '')
        problems.push({
          pointer: `${pointer}/${key}`,
          keyword: 'required',
          params: { missingProperty: key },
          message: { 'zh-CN': '必填', en: 'is required' },
        });
    }
    const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
    for (const [key, v] of Object.entries(record)) {
      const child = properties[key];
      if (child && v !== undefined)
        problems.push(...checkFormValues(child, v, `${pointer}/${key}`));
    }
  }
  return problems;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true;
  }
}
