// Turns a row-scope CEL predicate into a small predicate tree the server compiles to SQL.
import type { ASTNode } from '@marcbachmann/cel-js';
import { Environment } from '@marcbachmann/cel-js';
import { compileCel } from '../cel/compile-cel';
import type { FieldDefinition } from '../definition/field-schema';

/** A value in a row predicate: a record column, a user attribute, a literal, or a list of them. */
export type RowOperand =
  | { readonly kind: 'field'; readonly key: string }
  | { readonly kind: 'user'; readonly key: string }
  | { readonly kind: 'value'; readonly value: string | number | boolean | null }
  | { readonly kind: 'list'; readonly items: readonly RowOperand[] };

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** A condition on one row, with user attributes left as inputs bound at request time. */
export type RowPredicate =
  | { readonly kind: 'and' | 'or'; readonly items: readonly RowPredicate[] }
  | { readonly kind: 'not'; readonly item: RowPredicate }
  | {
      readonly kind: 'compare';
      readonly op: CompareOp;
      readonly left: RowOperand;
      readonly right: RowOperand;
    }
  /** `element in list`: either side may be the list column, a user list or a literal list. */
  | { readonly kind: 'in'; readonly element: RowOperand; readonly list: RowOperand }
  /** A boolean column read as a condition. */
  | { readonly kind: 'truth'; readonly operand: RowOperand };

export type RowPredicateResult =
  | { readonly ok: true; readonly value: RowPredicate }
  | { readonly ok: false; readonly message: string };

/** The record's system columns a predicate may read besides the designed fields. */
export const rowSystemFields: readonly FieldDefinition[] = [
  { key: 'owner', type: 'user', label: { 'zh-CN': '负责人', en: 'Owner' } },
  { key: 'stage', type: 'text', label: { 'zh-CN': '阶段', en: 'Stage' } },
];

const compareOps: Readonly<Record<string, CompareOp>> = {
  '==': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};
const parser = new Environment({ unlistedVariablesAreDyn: true });

class NotSql extends Error {}

/**
 * Type-checks a row-scope predicate against the table (plus `owner` and `stage`, with `user` as a
 * map) and translates it. Only what SQL can do with an index in mind is accepted: comparisons,
 * `in`, `&&`, `||`, `!`, literals, `record.<field>` and `user.<attribute>`.
 * @example rowPredicateOf('record.owner == user.id || record.province in user.regions', fields)
 */
export function rowPredicateOf(
  source: string,
  fields: readonly FieldDefinition[],
): RowPredicateResult {
  const scopeFields = [
    ...fields,
    ...rowSystemFields.filter((s) => !fields.some((f) => f.key === s.key)),
  ];
  const checked = compileCel(source, { record: scopeFields, user: true }, { expect: 'bool' });
  if (!checked.ok) return { ok: false, message: checked.issues.map((i) => i.message).join('; ') };
  const known = new Set(scopeFields.map((f) => f.key));
  try {
    return { ok: true, value: predicate(parser.parse(source).ast, known) };
  } catch (error) {
    if (error instanceof NotSql) return { ok: false, message: error.message };
    throw error;
  }
}

function predicate(node: ASTNode, known: ReadonlySet<string>): RowPredicate {
  const args = node.args as unknown;
  switch (node.op) {
    case '&&':
    case '||': {
      const [a, b] = args as [ASTNode, ASTNode];
      return {
        kind: node.op === '&&' ? 'and' : 'or',
        items: [predicate(a, known), predicate(b, known)],
      };
    }
    case '!_':
      return { kind: 'not', item: predicate(args as ASTNode, known) };
    case 'in': {
      const [a, b] = args as [ASTNode, ASTNode];
      return { kind: 'in', element: operand(a, known), list: operand(b, known) };
    }
    case '.':
    case 'id':
    case 'value': {
      const single = operand(node, known);
      if (single.kind === 'value' && typeof single.value === 'boolean') {
        return single.value
          ? { kind: 'compare', op: '=', left: single, right: single }
          : { kind: 'not', item: { kind: 'compare', op: '=', left: single, right: single } };
      }
      return { kind: 'truth', operand: single };
    }
    default: {
      const op = compareOps[node.op];
      if (op === undefined) throw new NotSql(unsupported(node));
      const [a, b] = args as [ASTNode, ASTNode];
      return { kind: 'compare', op, left: operand(a, known), right: operand(b, known) };
    }
  }
}

function operand(node: ASTNode, known: ReadonlySet<string>): RowOperand {
  const args = node.args as unknown;
  if (node.op === 'value') {
    if (typeof args === 'bigint') return { kind: 'value', value: Number(args) };
    if (args === null || ['string', 'number', 'boolean'].includes(typeof args)) {
      return { kind: 'value', value: args as string | number | boolean | null };
    }
    throw new NotSql(unsupported(node));
  }
  if (node.op === '-_') {
    const inner = operand(args as ASTNode, known);
    if (inner.kind === 'value' && typeof inner.value === 'number') {
      return { kind: 'value', value: -inner.value };
    }
    throw new NotSql(unsupported(node));
  }
  if (node.op === 'list') {
    return { kind: 'list', items: (args as ASTNode[]).map((item) => operand(item, known)) };
  }
  if (node.op === '.') {
    const [target, key] = args as [ASTNode, string];
    if (target.op === 'id' && target.args === 'record' && known.has(key)) {
      return { kind: 'field', key };
    }
    if (target.op === 'id' && target.args === 'user') return { kind: 'user', key };
  }
  throw new NotSql(unsupported(node));
}

function unsupported(node: ASTNode): string {
  const what = node.op === 'call' || node.op === 'rcall' ? `function call` : `"${node.op}"`;
  return `${what} cannot be turned into SQL; a row scope may only use comparisons, "in", &&, ||, !, literals, record.<field> and user.<attribute>`;
}
