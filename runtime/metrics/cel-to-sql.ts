// Compiles the filtering subset of CEL (comparisons, logic, `in`, size, text matches, time
// arithmetic) to a parameterised PostgreSQL condition, so metrics filter where the data lives.
import { Environment, type ASTNode } from '@marcbachmann/cel-js';

/** A piece of SQL: literal text, or a value bound as a parameter (never spliced in). */
export type SqlPart = string | { readonly value: unknown; readonly cast?: string };

/** What a compiled sub-expression holds, to choose operators (null tests, array membership). */
export type SqlKind = 'bool' | 'text' | 'number' | 'time' | 'interval' | 'list' | 'array' | 'null';

export interface SqlExpression {
  readonly parts: readonly SqlPart[];
  readonly kind: SqlKind;
}

/** Resolves `record.x` or `labels.x` to SQL, or undefined when the name is unknown. */
export type SqlVariableResolver = (root: string, name: string) => SqlExpression | undefined;

export type CelSqlResult =
  | { readonly ok: true; readonly value: SqlExpression }
  | { readonly ok: false; readonly message: string };

class NotSqlError extends Error {}

let parser: Environment | undefined;

/**
 * Compiles a CEL condition to SQL. `now` becomes the bound instant `now` (an ISO string), so a
 * figure and its drill-down agree on the moment they were computed.
 * @example celToSql('record.grade == "A"', resolve, '2026-01-01T00:00:00Z') // parts: ['(', col, ' = ', {value:'A'}, ')']
 */
export function celToSql(source: string, resolve: SqlVariableResolver, now: string): CelSqlResult {
  parser ??= new Environment({ unlistedVariablesAreDyn: true });
  let ast: ASTNode;
  try {
    ast = (parser.parse(source) as unknown as { ast: ASTNode }).ast;
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  try {
    return { ok: true, value: compile(ast, resolve, now) };
  } catch (error) {
    if (error instanceof NotSqlError) return { ok: false, message: error.message };
    throw error;
  }
}

const comparisons: Readonly<Record<string, string>> = {
  '==': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

function expr(kind: SqlKind, ...parts: Array<SqlPart | SqlExpression>): SqlExpression {
  const flat: SqlPart[] = [];
  for (const p of parts) {
    if (typeof p === 'object' && 'parts' in p) flat.push(...p.parts);
    else flat.push(p);
  }
  return { parts: flat, kind };
}

function args(node: ASTNode): unknown[] {
  return Array.isArray(node.args) ? (node.args as unknown[]) : [node.args];
}

function compile(node: ASTNode, resolve: SqlVariableResolver, now: string): SqlExpression {
  const c = (n: unknown) => compile(n as ASTNode, resolve, now);
  const a = args(node);
  switch (node.op) {
    case 'value':
      return literal(node.args);
    case 'id':
      if (node.args === 'now') return expr('time', { value: now, cast: 'timestamptz' });
      throw new NotSqlError(`"${String(node.args)}" cannot be used on its own in a metric filter`);
    case '.': {
      const [root, name] = a as [ASTNode, string];
      if (root.op !== 'id')
        throw new NotSqlError('only record.<field> and labels.<key> are allowed');
      const resolved = resolve(String(root.args), name);
      if (!resolved) throw new NotSqlError(`unknown name ${String(root.args)}.${name}`);
      return resolved;
    }
    case '&&':
    case '||':
      return expr('bool', '(', c(a[0]), node.op === '&&' ? ' and ' : ' or ', c(a[1]), ')');
    case '!_':
      return expr('bool', '(not coalesce(', c(node.args), ', false))');
    case '-_':
      return expr('number', '(-', c(node.args), ')');
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparison(node.op, c(a[0]), c(a[1]));
    case '+':
    case '-':
    case '*':
    case '/': {
      const left = c(a[0]);
      const right = c(a[1]);
      const kind: SqlKind = left.kind === 'time' || right.kind === 'time' ? 'time' : 'number';
      return expr(kind, '(', left, ` ${node.op} `, right, ')');
    }
    case 'in':
      return membership(c(a[0]), c(a[1]));
    case 'list': {
      const items = a.map(c);
      const parts: Array<SqlPart | SqlExpression> = ['array['];
      items.forEach((item, i) => parts.push(...(i > 0 ? [', '] : []), item));
      return expr('list', ...parts, ']');
    }
    case 'call':
      return call(String(a[0]), (a[1] as unknown[]).map(c));
    case 'rcall': {
      const [name, target, callArgs] = a as [string, ASTNode, unknown[]];
      return method(name, c(target), callArgs.map(c));
    }
    default:
      throw new NotSqlError(`the operator "${node.op}" cannot be computed in the database`);
  }
}

function literal(value: unknown): SqlExpression {
  if (value === null) return expr('null', 'null');
  if (typeof value === 'boolean') return expr('bool', value ? 'true' : 'false');
  if (typeof value === 'bigint') return expr('number', { value: Number(value), cast: 'numeric' });
  if (typeof value === 'number') return expr('number', { value, cast: 'numeric' });
  if (typeof value === 'string') return expr('text', { value, cast: 'text' });
  throw new NotSqlError('this literal cannot be computed in the database');
}

function comparison(op: string, left: SqlExpression, right: SqlExpression): SqlExpression {
  if (op === '==' || op === '!=') {
    const [other, isNull] =
      right.kind === 'null' ? [left, true] : left.kind === 'null' ? [right, true] : [left, false];
    if (isNull) return expr('bool', '(', other, op === '==' ? ' is null)' : ' is not null)');
  }
  // CEL compares values; SQL's three-valued logic would make `x != 'A'` skip nulls, so say so.
  if (op === '!=') return expr('bool', '(', left, ' is distinct from ', right, ')');
  return expr('bool', '(', left, ` ${comparisons[op]} `, right, ')');
}

function membership(item: SqlExpression, collection: SqlExpression): SqlExpression {
  if (collection.kind === 'list' || collection.kind === 'array') {
    return expr('bool', 'coalesce((', item, ' = any(', collection, ')), false)');
  }
  throw new NotSqlError('"in" needs a list or a multi-value field on its right');
}

function call(name: string, callArgs: SqlExpression[]): SqlExpression {
  const [first] = callArgs;
  if (name === 'size' && first) {
    if (first.kind === 'array' || first.kind === 'list')
      return expr('number', 'coalesce(cardinality(', first, '), 0)');
    return expr('number', 'coalesce(char_length(', first, '), 0)');
  }
  if (name === 'has' && first) return expr('bool', '(', first, ' is not null)');
  if (name === 'duration' && first && first.parts.length === 1) {
    const raw = first.parts[0];
    if (typeof raw === 'object' && typeof raw.value === 'string') {
      return expr('interval', {
        value: `${goDurationSeconds(raw.value)} seconds`,
        cast: 'interval',
      });
    }
  }
  if (name === 'timestamp' && first) return expr('time', '(', first, ')::timestamptz');
  throw new NotSqlError(`the function ${name}() cannot be computed in the database`);
}

function method(name: string, target: SqlExpression, callArgs: SqlExpression[]): SqlExpression {
  const [arg] = callArgs;
  if (!arg) throw new NotSqlError(`${name}() needs an argument`);
  if (name === 'contains')
    return expr('bool', 'coalesce(strpos(', target, ', ', arg, ') > 0, false)');
  if (name === 'startsWith')
    return expr('bool', 'coalesce(left(', target, ', char_length(', arg, ')) = ', arg, ', false)');
  if (name === 'endsWith')
    return expr('bool', 'coalesce(right(', target, ', char_length(', arg, ')) = ', arg, ', false)');
  throw new NotSqlError(`the method ${name}() cannot be computed in the database`);
}

/** Seconds of a CEL (Go-style) duration such as `168h`, `1h30m`, `90s`. */
function goDurationSeconds(text: string): number {
  const unit: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const pattern = /(-?\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * (unit[match[2] as string] as number);
    consumed += match[0].length;
  }
  if (consumed !== text.length || consumed === 0) {
    throw new NotSqlError(`"${text}" is not a duration such as "168h"`);
  }
  return total;
}
