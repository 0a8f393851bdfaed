// Compiles an admin's CEL expression against a scope once, then evaluates it many times, never throwing.
import { TypeError as CelTypeError } from '@marcbachmann/cel-js';
import { celLimits, checkCost } from './cel-cost';
import { environmentFor, type CelScope } from './cel-environment';
import { checkEqualityTypes } from './cel-equality-check';
import { fitOf, matchesType, runtimeTypeName } from './cel-result-type';
import { celIssue, issueFromError, type CelIssue, type CelResult } from './cel-issue';
import { friendlyTypeName, type CelType } from './cel-type-of-field';
import { celToJson, jsonToCel, toTimestamp, type JsonValue } from './cel-values';

export type { CelScope } from './cel-environment';
export type { CelIssue, CelIssueCode, CelResult } from './cel-issue';
export type { CelType } from './cel-type-of-field';
export type { JsonValue } from './cel-values';

export interface CelCompileOptions {
  /**
   * The result type the caller needs; a mismatch is refused at compile time (CEL_RESULT_TYPE).
   * An int result satisfies 'double'. null satisfies everything but 'bool': an empty field makes
   * an empty computed value, but a condition must be true or false.
   */
  readonly expect?: CelType;
}

/** One evaluation's input, in Baton's JSON form (ints as numbers, instants as ISO strings). */
export interface CelInput {
  readonly record: Readonly<Record<string, unknown>>;
  readonly old?: Readonly<Record<string, unknown>>;
  readonly user?: Readonly<Record<string, unknown>>;
  /** The current time; the only clock an expression sees. */
  readonly now: Date | string;
  readonly [name: string]: unknown;
}

export interface CompiledCel {
  readonly source: string;
  /** The expression's CEL type as admins read it: 'bool', 'string', 'list<string>', 'dyn'… */
  readonly resultType: string;
  /** Evaluates against one input; failures (division by zero, an empty field…) come back as issues. */
  evaluate(input: CelInput): CelResult<JsonValue>;
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next[j] = Math.min(
        (row[j] as number) + 1,
        (next[j - 1] as number) + 1,
        (row[j - 1] as number) + cost,
      );
    }
    row = next;
  }
  return row[b.length] as number;
}

// "No such key: nope" names neither the variable nor a likely fix; say both.
function unknownFieldMessage(error: unknown, scope: CelScope): string | null {
  if (!(error instanceof CelTypeError) || error.code !== 'no_such_key') return null;
  const node = error.node;
  if (node?.op !== '.' || node.args[0].op !== 'id') return null;
  const variable = node.args[0].args;
  const key = node.args[1];
  const near = scope.record
    .map((f) => f.key)
    .filter((k) => distance(k, key) <= 2)
    .sort((x, y) => distance(x, key) - distance(y, key))[0];
  const hint = near ? `; did you mean '${near}'?` : '';
  return `unknown field '${key}': the table behind ${variable} has no field '${key}'${hint}`;
}

// Lists are never null (an empty one is []); `record.tags == null` is a natural first guess.
function listNullMessage(message: string): string | null {
  if (!/^no such overload: list<.*> [!=]= null$/.test(message)) return null;
  return `${message} (list fields are never null; test size(…) == 0 instead)`;
}

function failure(issues: readonly CelIssue[]): CelResult<never> {
  return { ok: false, issues };
}

/**
 * Parses, cost-checks and type-checks an expression against a scope. The result evaluates without
 * re-checking; keep it and call `evaluate` for every input.
 * @example
 * const compiled = compileCel('contains_any(record.message, ["DR", "CT"])', { record: fields }, { expect: 'bool' });
 * if (compiled.ok) compiled.value.evaluate({ record: { message: '咨询CT' }, now: '2025-03-01T09:00:00+08:00' }); // { ok: true, value: true }
 */
export function compileCel(
  source: string,
  scope: CelScope,
  options: CelCompileOptions = {},
): CelResult<CompiledCel> {
  if (source.length > celLimits.maxSourceLength) {
    const message = `expression is longer than ${celLimits.maxSourceLength} characters`;
    return failure([
      celIssue('CEL_TOO_COMPLEX', message, source, celLimits.maxSourceLength, source.length),
    ]);
  }
  const { env, RecordClass } = environmentFor(scope);
  let program: ReturnType<typeof env.parse>;
  try {
    program = env.parse(source);
  } catch (error) {
    return failure([issueFromError(error, source)]);
  }
  const issues = checkCost(program.ast, source);
  const checked = program.check();
  if (checked.valid) issues.push(...checkEqualityTypes(program.ast, source));
  else {
    const issue = issueFromError(checked.error, source);
    const message = unknownFieldMessage(checked.error, scope) ?? listNullMessage(issue.message);
    issues.push(message ? { ...issue, message } : issue);
  }
  if (issues.length > 0) return failure(issues);

  const resultType = friendlyTypeName(checked.type ?? 'dyn');
  const expect = options.expect ?? 'dyn';
  let fit = fitOf(resultType, expect);
  // Nullable fields are dyn<T>: a condition reading a bool field may still meet null at run time.
  if (fit === 'yes' && expect === 'bool' && checked.type !== 'bool') fit = 'at-run-time';
  if (fit === 'no') {
    const message = `the expression gives ${resultType}, but ${expect} is needed here`;
    return failure([celIssue('CEL_RESULT_TYPE', message, source, 0, source.length)]);
  }
  const variables = Object.entries(scope.variables ?? {});

  // Rules evaluate many expressions at one instant: `now` is converted once per distinct input.
  let lastNow: unknown;
  let lastNowCel: Date | undefined;

  function activationOf(input: CelInput): Record<string, unknown> {
    const activation = Object.create(null) as Record<string, unknown>;
    activation.record = new RecordClass(input.record ?? {}, 'record');
    if (lastNowCel === undefined || input.now !== lastNow) {
      lastNowCel = toTimestamp(input.now, 'now');
      lastNow = input.now;
    }
    activation.now = lastNowCel;
    if (scope.old && input.old) activation.old = new RecordClass(input.old, 'old');
    if (scope.user && input.user) activation.user = input.user;
    for (const [name, type] of variables) {
      if (input[name] !== undefined) activation[name] = jsonToCel(input[name], type, name);
    }
    return activation;
  }

  function evaluate(input: CelInput): CelResult<JsonValue> {
    let raw: unknown;
    try {
      raw = program(activationOf(input));
    } catch (error) {
      return failure([issueFromError(error, source)]);
    }
    if (fit === 'at-run-time' && !matchesType(raw, expect)) {
      const message = `the expression gave ${runtimeTypeName(raw)}, but ${expect} is needed here`;
      return failure([celIssue('CEL_RESULT_TYPE', message, source, 0, source.length)]);
    }
    try {
      return { ok: true, value: celToJson(raw) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return failure([celIssue('CEL_EVALUATION', message, source, 0, source.length)]);
    }
  }

  return { ok: true, value: { source, resultType, evaluate } };
}

/**
 * The problems of an expression in a scope, or none; what publish runs for every expression.
 * @example checkCel('record.budget + "x"', { record: fields })[0]?.code // 'CEL_TYPE'
 */
export function checkCel(
  source: string,
  scope: CelScope,
  options: CelCompileOptions = {},
): readonly CelIssue[] {
  const compiled = compileCel(source, scope, options);
  return compiled.ok ? [] : compiled.issues;
}
