// Template parameters: defaults filled in, text from a command line coerced, types and bounds checked.
import { issue, type DefinitionIssue, type Result } from '../definition/definition-issue';
import { durationMs, parseIsoDuration } from '../time/iso-duration';
import type { ParameterValue, TemplateParameter } from './template-schema';

export type ParameterValues = Readonly<Record<string, ParameterValue>>;

/**
 * Every parameter's value: the given one when present, else the default. Values may also arrive as
 * text, the way a command line or a query string carries them (`"8"`, `"true"`, `"故障,停机"`).
 * Each problem is reported at `/params/<name>`.
 * @example resolveParameters(template.parameters, { capacity: '3' }) // { ok: true, value: { capacity: 3, … } }
 */
export function resolveParameters(
  parameters: Readonly<Record<string, TemplateParameter>>,
  given: Readonly<Record<string, unknown>> = {},
): Result<ParameterValues> {
  const issues: DefinitionIssue[] = [];
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(parameters, name)) {
      const known = Object.keys(parameters).join(', ') || 'none';
      issues.push(
        issue(
          ['params', name],
          'UNKNOWN_PARAMETER',
          `the template has no parameter "${name}" (it has: ${known})`,
          `模板没有参数「${name}」（可用参数：${known}）`,
        ),
      );
    }
  }
  const values: Record<string, ParameterValue> = {};
  for (const [name, parameter] of Object.entries(parameters)) {
    const raw = Object.hasOwn(given, name) ? given[name] : undefined;
    const checked = checkParameterValue(parameter, raw === undefined ? parameter.default : raw);
    if (checked.ok) values[name] = checked.value;
    else issues.push(issue(['params', name], checked.code, checked.en, checked.zh));
  }
  return issues.length === 0 ? { ok: true, value: values } : { ok: false, issues };
}

type Checked =
  | { readonly ok: true; readonly value: ParameterValue }
  | { readonly ok: false; readonly code: string; readonly en: string; readonly zh: string };

const typeNames: Record<TemplateParameter['type'], readonly [string, string]> = {
  duration: ['an ISO 8601 duration such as PT4H', 'ISO 8601 时长，例如 PT4H'],
  integer: ['a whole number', '整数'],
  number: ['a number', '数字'],
  string: ['text', '文本'],
  string_list: ['a list of texts', '文本列表'],
  boolean: ['true or false', 'true 或 false'],
};

/**
 * Checks one value against its parameter (coercing text for non-text types).
 * @example checkParameterValue({ type: 'integer', min: 1, … }, '0') // { ok: false, code: 'TOO_SMALL', … }
 */
export function checkParameterValue(parameter: TemplateParameter, raw: unknown): Checked {
  const value = coerce(parameter.type, raw);
  if (value === undefined) {
    const [en, zh] = typeNames[parameter.type];
    return refuse('INVALID_TYPE', `must be ${en}`, `应为${zh}`);
  }
  switch (parameter.type) {
    case 'duration': {
      const parsed = parseIsoDuration(value as string);
      if (!parsed.ok)
        return refuse('INVALID_DURATION', parsed.message, `时长无效：${parsed.message}`);
      const ms = durationMs(parsed.value);
      if (ms <= 0) return refuse('TOO_SMALL', 'must be longer than zero', '必须大于零');
      return bounded(value, ms, parameter.min, parameter.max, durationLength);
    }
    case 'integer':
    case 'number':
      return bounded(value, value as number, parameter.min, parameter.max, (n) => n);
    case 'string':
      return bounded(value, (value as string).length, parameter.min, parameter.max, (n) => n, [
        ' characters',
        ' 个字符',
      ]);
    case 'string_list':
      return bounded(value, (value as string[]).length, parameter.min, parameter.max, (n) => n, [
        ' items',
        ' 项',
      ]);
    case 'boolean':
      return { ok: true, value };
  }
}

function coerce(type: TemplateParameter['type'], raw: unknown): ParameterValue | undefined {
  switch (type) {
    case 'duration':
      return typeof raw === 'string' ? raw.trim() : undefined;
    case 'integer':
    case 'number': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(raw)
            ? Number(raw)
            : NaN;
      if (!Number.isFinite(n)) return undefined;
      return type === 'integer' && !Number.isInteger(n) ? undefined : n;
    }
    case 'string':
      return typeof raw === 'string' ? raw : undefined;
    case 'string_list':
      if (Array.isArray(raw)) return raw.every((x) => typeof x === 'string') ? raw : undefined;
      // A command line gives `故障,停机,急`; full-width commas are common in Chinese input.
      return typeof raw === 'string'
        ? raw
            .split(/[,，]/)
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : undefined;
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
  }
}

function durationLength(text: string): number {
  const parsed = parseIsoDuration(text);
  return parsed.ok ? durationMs(parsed.value) : NaN;
}

function bounded<B extends number | string>(
  value: ParameterValue,
  measure: number,
  min: B | undefined,
  max: B | undefined,
  toNumber: (bound: B) => number,
  unit: readonly [string, string] = ['', ''],
): Checked {
  if (min !== undefined && measure < toNumber(min))
    return refuse('TOO_SMALL', `must be at least ${min}${unit[0]}`, `不能小于 ${min}${unit[1]}`);
  if (max !== undefined && measure > toNumber(max))
    return refuse('TOO_BIG', `must be at most ${max}${unit[0]}`, `不能大于 ${max}${unit[1]}`);
  return { ok: true, value };
}

function refuse(code: string, en: string, zh: string): Checked {
  return { ok: false, code, en, zh };
}
