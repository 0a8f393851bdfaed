// Refuses comparisons that can never be true, which cel-js lets through for nullable fields.
//
// Nullable fields are declared dyn<T>, and cel-js resolves `==` on a dyn operand at run time, so
// `record.touch_count == "3"` would type-check and always be false. After type checking every node
// carries its type; this pass compares the two sides of each == and != with the dyn<> removed.
import type { ASTNode, TypeDeclaration } from '@marcbachmann/cel-js';
import { childNodes } from './cel-ast';
import { celIssue, type CelIssue } from './cel-issue';
import { friendlyTypeName } from './cel-type-of-field';

const numeric = new Set(['int', 'uint', 'double']);

function checkedTypeOf(node: ASTNode): TypeDeclaration | undefined {
  return (node as { checkedType?: TypeDeclaration }).checkedType;
}

// The concrete scalar type of a side, or null when it could be anything (dyn, null, a list…).
function scalarOf(node: ASTNode): string | null {
  const type = checkedTypeOf(node)?.unwrappedType;
  if (!type || (type.kind !== 'primitive' && type.kind !== 'message')) return null;
  return type.name === 'null' ? null : type.name;
}

function neverEqual(left: string, right: string): boolean {
  return left !== right && !(numeric.has(left) && numeric.has(right));
}

/** Issues for every == or != between two different scalar types, e.g. int == string. */
export function checkEqualityTypes(root: ASTNode, source: string): CelIssue[] {
  const issues: CelIssue[] = [];
  const stack: ASTNode[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.op === '==' || node.op === '!=') {
      const left = scalarOf(node.args[0]);
      const right = scalarOf(node.args[1]);
      if (left && right && neverEqual(left, right)) {
        const [l, r] = [friendlyTypeName(left), friendlyTypeName(right)];
        const message = `'${node.op}' compares ${l} with ${r}, which can never be equal`;
        issues.push(celIssue('CEL_TYPE', message, source, node.start, node.end));
      }
    }
    stack.push(...childNodes(node));
  }
  return issues;
}
