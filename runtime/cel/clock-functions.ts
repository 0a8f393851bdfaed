// hours_since / minutes_since / days_since: read the evaluation's `now`, never the host clock.
//
// cel-js calls ordinary function handlers without the activation, so these are registered as
// macros: a macro's evaluate hook receives the activation and reads `now` from it directly, one
// property lookup per call. Nothing is stored between evaluations, so concurrent or nested
// evaluations with different `now` values cannot see each other's clock.
import {
  EvaluationError,
  type ASTNode,
  type Environment,
  type TypeDeclaration,
} from '@marcbachmann/cel-js';
import { dateOf, epochDayOf } from './calendar';
import { friendlyTypeName } from './cel-type-of-field';

const TIMESTAMP = 'google.protobuf.Timestamp';

interface MacroInput {
  readonly ast: ASTNode;
  readonly args: readonly ASTNode[];
}

interface MacroChecker {
  check(node: ASTNode, ctx: unknown): TypeDeclaration;
  getType(name: string): TypeDeclaration;
  createError(code: string, message: string, node: ASTNode): Error;
}

interface MacroEvaluator {
  run(node: ASTNode, ctx: unknown): unknown;
}

interface Activation {
  getValue(name: string): unknown;
}

interface ClockFunction {
  readonly name: 'hours_since' | 'minutes_since' | 'days_since';
  readonly unitMs: number;
  /** days_since also takes a 'YYYY-MM-DD' date: whole calendar days to today in Asia/Shanghai. */
  readonly acceptsDate: boolean;
}

const clockFunctions: readonly ClockFunction[] = [
  { name: 'minutes_since', unitMs: 60_000, acceptsDate: false },
  { name: 'hours_since', unitMs: 3_600_000, acceptsDate: false },
  { name: 'days_since', unitMs: 86_400_000, acceptsDate: true },
];

function invalid(fn: ClockFunction, node: ASTNode, message: string): EvaluationError {
  return new EvaluationError({
    code: 'invalid_argument',
    message: `${fn.name}(): ${message}`,
    node,
  });
}

function elapsed(fn: ClockFunction, value: unknown, now: Date, node: ASTNode): number {
  if (value instanceof Date) return (now.getTime() - value.getTime()) / fn.unitMs;
  if (fn.acceptsDate && typeof value === 'string') {
    const day = epochDayOf(value);
    if (day === null) throw invalid(fn, node, `'${value}' is not a date 'YYYY-MM-DD'`);
    return (epochDayOf(dateOf(now)) as number) - day;
  }
  if (value === null) throw invalid(fn, node, 'the value is null');
  throw invalid(fn, node, `expected a timestamp, got ${typeof value}`);
}

function clockMacro(fn: ClockFunction) {
  return ({ ast, args }: MacroInput) => {
    const arg = args[0] as ASTNode;
    return {
      typeCheck(checker: MacroChecker, _macro: unknown, ctx: unknown): TypeDeclaration {
        const type = checker.check(arg, ctx);
        const inner = type.unwrappedType.name;
        const anything = type.kind === 'dyn' && !type.valueType;
        if (!(anything || inner === TIMESTAMP || (fn.acceptsDate && inner === 'string'))) {
          throw checker.createError(
            'no_matching_overload',
            `found no matching overload for '${fn.name}(${friendlyTypeName(type.name)})'`,
            ast,
          );
        }
        return checker.getType('double');
      },
      evaluate(ev: MacroEvaluator, _macro: unknown, ctx: Activation): number {
        const now = ctx.getValue('now');
        if (!(now instanceof Date)) throw invalid(fn, ast, '`now` is not set for this evaluation');
        return elapsed(fn, ev.run(arg, ctx), now, ast);
      },
    };
  };
}

/** Registers hours_since, minutes_since and days_since; the scope must declare `now`. */
export function registerClockFunctions(env: Environment): Environment {
  for (const fn of clockFunctions) {
    env.registerFunction(`${fn.name}(ast): double`, clockMacro(fn), {
      description: `Time elapsed from the argument to \`now\`, in ${fn.name.split('_')[0]}.`,
    });
  }
  return env;
}
