// Walking cel-js syntax trees: a node's args mix child nodes, arrays of them, names and literals.
import type { ASTNode } from '@marcbachmann/cel-js';

function isAstNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

function collect(value: unknown, out: ASTNode[]): void {
  if (isAstNode(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) collect(v, out);
}

/** The direct child nodes of a node, in source order. */
export function childNodes(node: ASTNode): ASTNode[] {
  const out: ASTNode[] = [];
  collect(node.args, out);
  return out;
}
