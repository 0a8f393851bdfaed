// Replaces `{{params.name}}` placeholders in a template's definition with parameter values.
import { issue, pointerOf, type DefinitionIssue } from '../definition/definition-issue';
import type { ParameterValue } from './template-schema';

const whole = /^\{\{\s*params\.([a-z][a-z0-9_]{0,62})\s*\}\}$/;
const embedded = /\{\{\s*params\.([a-z][a-z0-9_]{0,62})\s*\}\}/g;

/** Where a placeholder sits in the document, and which parameter it names. */
export interface Placeholder {
  /** Path segments from the document root. */
  readonly path: readonly (string | number)[];
  readonly name: string;
  /** True when the placeholder is the whole string (the value keeps its type). */
  readonly whole: boolean;
}

/**
 * Every placeholder in a JSON value, in document order. Other `{{…}}` placeholders (such as
 * `{{record.name}}` in a notification) are not parameters and are left alone.
 * @example findPlaceholders({ after: '{{params.first_response}}' }) // [{ path: ['after'], name: 'first_response', whole: true }]
 */
export function findPlaceholders(
  value: unknown,
  path: readonly (string | number)[] = [],
): Placeholder[] {
  if (typeof value === 'string') {
    const all = whole.exec(value);
    if (all) return [{ path, name: all[1]!, whole: true }];
    return [...value.matchAll(embedded)].map((m) => ({ path, name: m[1]!, whole: false }));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findPlaceholders(v, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => findPlaceholders(v, [...path, k]));
  return [];
}

export interface PlacedParameter {
  readonly name: string;
  /** False when the value was written into longer text. */
  readonly whole: boolean;
}

export interface Substitution {
  readonly value: unknown;
  /** JSON pointer (relative to the substituted value) → the parameter placed there. */
  readonly placed: ReadonlyMap<string, PlacedParameter>;
  readonly issues: readonly DefinitionIssue[];
}

/**
 * A copy of `value` with every parameter placeholder replaced: a whole-string one by the typed
 * value, one inside longer text by the value written out (a list as a JSON array, which CEL reads
 * as a list literal).
 * Issues point at the placeholder, under `at`.
 * @example substituteParameters({ lessThan: '{{params.capacity}}' }, { capacity: 8 }).value // { lessThan: 8 }
 */
export function substituteParameters(
  value: unknown,
  values: Readonly<Record<string, ParameterValue>>,
  at: readonly (string | number)[] = [],
): Substitution {
  const placed = new Map<string, PlacedParameter>();
  const issues: DefinitionIssue[] = [];
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') return replaceIn(node, path);
    if (Array.isArray(node)) return node.map((v, i) => walk(v, [...path, i]));
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    return node;
  };
  const known = (name: string, path: (string | number)[]): boolean => {
    if (Object.hasOwn(values, name)) return true;
    issues.push(
      issue(
        [...at, ...path],
        'UNKNOWN_PARAMETER',
        `placeholder names the undeclared parameter "${name}"`,
        `占位符引用了未声明的参数「${name}」`,
      ),
    );
    return false;
  };
  const replaceIn = (text: string, path: (string | number)[]): unknown => {
    const all = whole.exec(text);
    if (all) {
      const name = all[1]!;
      if (!known(name, path)) return text;
      placed.set(pointerOf(path), { name, whole: true });
      const v = values[name]!;
      return Array.isArray(v) ? [...v] : v;
    }
    return text.replace(embedded, (match, name: string) => {
      if (!known(name, path)) return match;
      const v = values[name]!;
      placed.set(pointerOf(path), { name, whole: false });
      // A list is written as a JSON array, which is also a CEL list literal: ["故障","停机"].
      return Array.isArray(v) ? JSON.stringify(v) : String(v);
    });
  };
  return { value: walk(value, []), placed, issues };
}
