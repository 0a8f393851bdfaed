// What bounds the cost of evaluating an admin's CEL expression, and the checks that enforce it.
//
// CEL has no loops, recursion or user-defined functions: evaluation visits each AST node once,
// except inside the comprehension macros (all, exists, exists_one, map, filter), which visit their
// body once per element of a list. So the cost of one evaluation is bounded by
//   AST nodes (≤ maxAstNodes, with source ≤ maxSourceLength)
//   × list length ^ comprehension nesting (≤ maxComprehensionNesting)
//   × the cost of each built-in, which is linear in its string/list arguments — except regular
//     expressions, whose backtracking can be exponential: matches() therefore needs a literal
//     pattern without nested unbounded quantifiers or back-references.
// Lists come from literals (≤ maxListElements) or record fields (bounded by the field schema).
import type { ASTNode } from '@marcbachmann/cel-js';
import { isTimeZone } from './calendar';
import { childNodes } from './cel-ast';
import { celIssue, type CelIssue } from './cel-issue';
import { parseCidr } from './ip-cidr';

/** Structural limits on every Baton expression. */
export const celLimits = {
  maxSourceLength: 5_000,
  maxAstNodes: 1_000,
  maxDepth: 32,
  maxListElements: 1_000,
  maxMapEntries: 200,
  maxCallArguments: 8,
  maxComprehensionNesting: 2,
  maxPatternLength: 500,
} as const;

const comprehensions = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

interface Visit {
  readonly node: ASTNode;
  readonly nesting: number;
}

function calledName(node: ASTNode): string | null {
  return node.op === 'call' || node.op === 'rcall' ? node.args[0] : null;
}

function argumentsOf(node: ASTNode): readonly ASTNode[] {
  if (node.op === 'call') return node.args[1];
  if (node.op === 'rcall') return [node.args[1], ...node.args[2]];
  return [];
}

function literalStrings(node: ASTNode | undefined): string[] {
  if (!node) return [];
  if (node.op === 'value') return typeof node.args === 'string' ? [node.args] : [];
  if (node.op === 'list') return node.args.flatMap((n) => literalStrings(n));
  return [];
}

// Length of a group's kind after '(': (?: (?= (?! (?<= (?<! (?<name>, so its '?' is no quantifier.
function groupPrefixLength(pattern: string, open: number): number {
  if (pattern[open + 1] !== '?') return 0;
  if (pattern[open + 2] !== '<') return 2;
  const next = pattern[open + 3];
  if (next === '=' || next === '!') return 3;
  const close = pattern.indexOf('>', open);
  return close === -1 ? 2 : close - open;
}

/**
 * Flags patterns whose backtracking can explode: an unbounded quantifier (* + {n,}) applied to a
 * group that itself contains a quantifier or an alternation, like (a+)+ or (a|a)*; and
 * back-references. A heuristic, deliberately strict.
 */
export function isRiskyPattern(pattern: string): boolean {
  if (/\\[1-9]|\\k</.test(pattern)) return true;
  const groups: { risky: boolean }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') {
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
    } else if (c === '(') {
      groups.push({ risky: false });
      i += groupPrefixLength(pattern, i);
    } else if (c === '|' || c === '*' || c === '+' || c === '?' || c === '{') {
      const top = groups[groups.length - 1];
      if (top) top.risky = true;
    } else if (c === ')') {
      const closed = groups.pop();
      const next = pattern.slice(i + 1, i + 2);
      const unbounded = next === '*' || next === '+' || /^\{\d*,\}/.test(pattern.slice(i + 1));
      if (closed?.risky && unbounded) return true;
      const parent = groups[groups.length - 1];
      if (parent && closed?.risky) parent.risky = true;
    }
  }
  return false;
}

function checkPattern(call: ASTNode, source: string): CelIssue | null {
  const args = argumentsOf(call);
  const patternNode = args[args.length - 1];
  const [pattern] = literalStrings(patternNode);
  const at = (message: string): CelIssue =>
    celIssue('CEL_TOO_COMPLEX', message, source, call.start, call.end);
  if (patternNode?.op !== 'value' || pattern === undefined) {
    return at('matches() needs a literal pattern, so its cost can be checked before it runs');
  }
  if (pattern.length > celLimits.maxPatternLength) return at('the pattern is too long');
  if (isRiskyPattern(pattern)) {
    return at(
      'the pattern repeats a group that itself repeats or alternates, which can run for a very long time',
    );
  }
  try {
    new RegExp(pattern);
  } catch {
    return celIssue(
      'CEL_TYPE',
      `invalid regular expression '${pattern}'`,
      source,
      call.start,
      call.end,
    );
  }
  return null;
}

function checkLiteralArguments(call: ASTNode, name: string, source: string): CelIssue | null {
  const args = argumentsOf(call);
  const at = (message: string, node: ASTNode): CelIssue =>
    celIssue('CEL_TYPE', message, source, node.start, node.end);
  if (name === 'in_cidr' && args[1]) {
    const bad = literalStrings(args[1]).find((r) => parseCidr(r) === null);
    if (bad !== undefined)
      return at(`'${bad}' is not a valid CIDR range (e.g. 10.0.0.0/8 or 2001:db8::/32)`, args[1]);
  }
  if ((name === 'date_of' || name === 'weekday') && args[1]) {
    const bad = literalStrings(args[1]).find((tz) => !isTimeZone(tz));
    if (bad !== undefined) return at(`unknown time zone '${bad}'`, args[1]);
  }
  return null;
}

/**
 * Checks what the parser's limits cannot: comprehension nesting, regular expressions, and literal
 * arguments that are certainly wrong (a malformed CIDR range, an unknown time zone).
 */
export function checkCost(root: ASTNode, source: string): CelIssue[] {
  const issues: CelIssue[] = [];
  const stack: Visit[] = [{ node: root, nesting: 0 }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const { node } = visit;
    const name = calledName(node);
    let nesting = visit.nesting;
    if (name !== null && node.op === 'rcall' && comprehensions.has(name)) {
      nesting++;
      if (nesting === celLimits.maxComprehensionNesting + 1) {
        issues.push(
          celIssue(
            'CEL_TOO_COMPLEX',
            `comprehensions (all, exists, map, filter…) may nest at most ${celLimits.maxComprehensionNesting} deep`,
            source,
            node.start,
            node.end,
          ),
        );
      }
    }
    const problem =
      name === 'matches'
        ? checkPattern(node, source)
        : name
          ? checkLiteralArguments(node, name, source)
          : null;
    if (problem) issues.push(problem);
    for (const child of childNodes(node)) stack.push({ node: child, nesting });
  }
  return issues;
}
