// Compiles a flow once: node and edge lookups plus every CEL expression, type-checked against the table.
import { compileCel, type CompiledCel } from '../cel/compile-cel';
import type { CelIssue } from '../cel/cel-issue';
import type { FieldDefinition } from '../definition/field-schema';
import type { FlowDefinition, FlowEdge, FlowNode } from './flow-schema';

export interface CompiledFlow {
  readonly flow: FlowDefinition;
  readonly start: string;
  readonly nodes: ReadonlyMap<string, FlowNode>;
  /** Outgoing edges per node. */
  readonly edges: ReadonlyMap<string, readonly FlowEdge[]>;
  /** Compiled expressions, keyed `<node>/<part>` (e.g. `ladder/until`, `fix/set/stage`, `route/case/0`, `trigger/filter`). */
  readonly cel: ReadonlyMap<string, CompiledCel>;
}

export interface FlowCompileIssue {
  /** JSON pointer inside the flow, e.g. `/nodes/2/condition`. */
  readonly pointer: string;
  readonly issue: CelIssue;
}

export type CompileFlowResult =
  | { readonly ok: true; readonly value: CompiledFlow }
  | { readonly ok: false; readonly issues: readonly FlowCompileIssue[] };

/**
 * Compiles every expression of a flow against the fields of its table.
 * @example compileFlow(flow, leadTable.fields).ok
 */
export function compileFlow(
  flow: FlowDefinition,
  fields: readonly FieldDefinition[],
): CompileFlowResult {
  const cel = new Map<string, CompiledCel>();
  const issues: FlowCompileIssue[] = [];
  const scope = { record: fields };
  const add = (key: string, pointer: string, source: string, expect?: 'bool') => {
    const compiled = compileCel(source, scope, expect ? { expect } : {});
    if (compiled.ok) cel.set(key, compiled.value);
    else for (const issue of compiled.issues) issues.push({ pointer, issue });
  };
  if (flow.trigger.on === 'record.updated' && flow.trigger.when) {
    // The trigger sees the record before (`old`) and after (`record`) the change.
    const compiled = compileCel(
      flow.trigger.when,
      { record: fields, old: true },
      { expect: 'bool' },
    );
    if (compiled.ok) cel.set('trigger/when', compiled.value);
    else for (const issue of compiled.issues) issues.push({ pointer: '/trigger/when', issue });
  }
  if (flow.trigger.on === 'schedule' && flow.trigger.filter)
    add('trigger/filter', '/trigger/filter', flow.trigger.filter, 'bool');
  flow.nodes.forEach((node, i) => {
    const at = `/nodes/${i}`;
    switch (node.type) {
      case 'wait_until':
        add(`${node.id}/condition`, `${at}/condition`, node.condition, 'bool');
        break;
      case 'escalation':
        add(`${node.id}/until`, `${at}/until`, node.until, 'bool');
        break;
      case 'branch':
        node.cases.forEach((c, j) =>
          add(`${node.id}/case/${j}`, `${at}/cases/${j}/when`, c.when, 'bool'),
        );
        break;
      case 'update':
        for (const [field, source] of Object.entries(node.set))
          add(`${node.id}/set/${field}`, `${at}/set/${field}`, source);
        break;
      default:
        break;
    }
  });
  if (issues.length > 0) return { ok: false, issues };
  const edges = new Map<string, FlowEdge[]>();
  for (const edge of flow.edges) edges.set(edge.from, [...(edges.get(edge.from) ?? []), edge]);
  return {
    ok: true,
    value: {
      flow,
      start: flow.start ?? flow.nodes[0]!.id,
      nodes: new Map(flow.nodes.map((n) => [n.id, n])),
      edges,
      cel,
    },
  };
}
