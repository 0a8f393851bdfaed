// cel-js environments for a scope: Baton's functions once, then one cached clone per scope shape.
import { Environment } from '@marcbachmann/cel-js';
import type { FieldDefinition } from '../definition/field-schema';
import { celLimits } from './cel-cost';
import { registerBatonFunctions } from './cel-functions';
import { libraryFieldTypeOf, libraryTypeOf, type CelType } from './cel-type-of-field';
import { createCelRecordClass, type CelRecordClass } from './cel-values';

/** The variables an expression may read. `now` is always in scope. */
export interface CelScope {
  /** The fields of the table behind `record`. */
  readonly record: readonly FieldDefinition[];
  /** Declares `old`, the record before the change (same fields), for update triggers. */
  readonly old?: boolean;
  /** Declares `user`, the acting user's attributes as a map (`user.region`, `user.product_lines`). */
  readonly user?: boolean;
  /** Further named variables and their types, e.g. `{ payload: 'map<string, dyn>' }`. */
  readonly variables?: Readonly<Record<string, CelType>>;
}

export interface CelEnvironment {
  readonly env: Environment;
  readonly RecordClass: CelRecordClass;
}

/** The record type's name in type errors ("Cannot index type 'Record'"). */
const RECORD_TYPE = 'Record';
const builtIn = new Set(['record', 'old', 'user', 'now']);
const variableName = /^[a-z_][a-zA-Z0-9_]*$/;
const celKeywords = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue']);

let base: Environment | undefined;

function baseEnvironment(): Environment {
  const { maxAstNodes, maxDepth, maxListElements, maxMapEntries, maxCallArguments } = celLimits;
  const limits = { maxAstNodes, maxDepth, maxListElements, maxMapEntries, maxCallArguments };
  base ??= registerBatonFunctions(new Environment({ limits }));
  return base;
}

function shapeKey(scope: CelScope): string {
  // Field types, not just CEL types: a date and a text field convert their values differently.
  const fields = scope.record
    .map((f) => `${f.key}:${f.type === 'computed' ? `computed/${f.resultType}` : f.type}`)
    .join(',');
  const variables = Object.entries(scope.variables ?? {})
    .map(([name, type]) => `${name}:${type}`)
    .sort()
    .join(',');
  return `${scope.old ? 'old;' : ''}${scope.user ? 'user;' : ''}${variables};${fields}`;
}

function assertVariableName(name: string): void {
  if (!variableName.test(name) || builtIn.has(name) || celKeywords.has(name)) {
    throw new Error(`'${name}' cannot name a CEL variable`);
  }
}

function build(scope: CelScope): CelEnvironment {
  const env = baseEnvironment().clone();
  const RecordClass = createCelRecordClass(scope.record);
  const fields = Object.fromEntries(scope.record.map((f) => [f.key, libraryFieldTypeOf(f)]));
  env.registerType(RECORD_TYPE, { ctor: RecordClass, fields });
  env.registerVariable('record', RECORD_TYPE, { description: 'The record' });
  if (scope.old)
    env.registerVariable('old', RECORD_TYPE, { description: 'The record before this change' });
  if (scope.user)
    env.registerVariable('user', 'map<string, dyn>', { description: 'The acting user' });
  env.registerVariable('now', libraryTypeOf('timestamp'), { description: 'The current time' });
  for (const [name, type] of Object.entries(scope.variables ?? {})) {
    assertVariableName(name);
    env.registerVariable(name, libraryTypeOf(type));
  }
  return { env, RecordClass };
}

// Tables are few and change only on publish: a small bounded cache suffices.
const cache = new Map<string, CelEnvironment>();
const MAX_CACHED = 256;

/**
 * The environment for a scope, built once per distinct shape (field keys and types, variables).
 * Throws for a variable name CEL cannot use: scopes are written by Baton's code, not by admins.
 */
export function environmentFor(scope: CelScope): CelEnvironment {
  const key = shapeKey(scope);
  const hit = cache.get(key);
  if (hit) return hit;
  const built = build(scope);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, built);
  return built;
}
