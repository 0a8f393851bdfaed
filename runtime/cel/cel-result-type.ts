// Does an expression's result type satisfy what the caller expects? At compile time, or at run time for dyn.
import { Duration } from '@marcbachmann/cel-js/evaluator';

export type Fit = 'yes' | 'no' | 'at-run-time';

function typeArgs(name: string): string[] {
  const inner = name.slice(name.indexOf('<') + 1, -1);
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '<') depth++;
    else if (inner[i] === '>') depth--;
    else if (inner[i] === ',' && depth === 0) {
      out.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(inner.slice(start).trim());
  return out;
}

/**
 * Whether a static result type satisfies an expected one: surely, never, or only when checked
 * against the value (dyn parts). An int satisfies double; null satisfies everything but bool.
 * @example fitOf('list<dyn>', 'list<string>') // 'at-run-time'
 */
export function fitOf(actual: string, expected: string): Fit {
  if (expected === 'dyn' || actual === expected) return 'yes';
  if (actual === 'dyn') return 'at-run-time';
  if (actual === 'null') return expected === 'bool' ? 'no' : 'yes';
  if (expected === 'double' && actual === 'int') return 'yes';
  const head = (t: string) => t.slice(0, t.indexOf('<'));
  if (!actual.includes('<') || head(actual) !== head(expected)) return 'no';
  const a = typeArgs(actual);
  const e = typeArgs(expected);
  const fits = a.map((t, i) => fitOf(t, e[i] ?? 'dyn'));
  if (fits.includes('no')) return 'no';
  return fits.includes('at-run-time') ? 'at-run-time' : 'yes';
}

/** Whether a CEL value has the expected type; the run-time half of fitOf. */
export function matchesType(value: unknown, expected: string): boolean {
  if (expected === 'dyn') return true;
  if (value === null) return expected !== 'bool';
  switch (expected) {
    case 'bool':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'bigint';
    case 'double':
      return typeof value === 'number' || typeof value === 'bigint';
    case 'timestamp':
      return value instanceof Date;
    case 'duration':
      return value instanceof Duration;
  }
  const [first, second] = typeArgs(expected);
  if (expected.startsWith('list<')) {
    return Array.isArray(value) && value.every((v) => matchesType(v, first as string));
  }
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return false;
  const values = value instanceof Map ? [...value.values()] : Object.values(value);
  return values.every((v) => matchesType(v, second as string));
}

/** The CEL type name of a value, for messages. */
export function runtimeTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'double';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof Date) return 'timestamp';
  return Array.isArray(value) ? 'list' : typeof value === 'object' ? 'map' : typeof value;
}
