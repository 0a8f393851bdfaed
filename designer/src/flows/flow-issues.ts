// Maps the server's validation issues (JSON pointers into the definition) onto the flow being
// drawn: per node (with the setting's path for the property panel) and for the flow as a whole.
import type { DefinitionIssue } from '../api/design';
import type { Locale } from '../../../runtime/localized-text';
import { localize } from '../../../runtime/localized-text';
import type { DraftFlow } from './flow-model';

export interface FlowIssues {
  /** Messages per node id. */
  readonly byNode: ReadonlyMap<string, readonly string[]>;
  /** Per node id: setting path (`levels.0.after`) → message. */
  readonly byField: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Issues of the flow itself (trigger, table, start) and of other parts of the definition. */
  readonly general: readonly string[];
}

const unescape = (s: string) => s.replaceAll('~1', '/').replaceAll('~0', '~');

/**
 * Splits issues by where they point.
 * @example flowIssues(issues, flow, 0, 'zh-CN').byNode.get('ladder')
 */
export function flowIssues(
  issues: readonly DefinitionIssue[],
  flow: DraftFlow,
  flowIndex: number,
  locale: Locale,
): FlowIssues {
  const byNode = new Map<string, string[]>();
  const byField = new Map<string, Map<string, string>>();
  const general: string[] = [];
  for (const issue of issues) {
    const message = localize(issue.message, locale);
    const parts = issue.pointer.split('/').slice(1).map(unescape);
    if (parts[0] !== 'flows' || Number(parts[1]) !== flowIndex) {
      if (parts[0] === 'flows') continue; // another flow's problem
      general.push(`${issue.pointer}: ${message}`);
      continue;
    }
    let nodeId: string | undefined;
    let field: string | undefined;
    if (parts[2] === 'nodes' && parts[3] !== undefined) {
      nodeId = flow.nodes[Number(parts[3])]?.id;
      field = parts.slice(4).join('.');
    } else if (parts[2] === 'edges' && parts[3] !== undefined) {
      nodeId = flow.edges[Number(parts[3])]?.from;
    }
    if (!nodeId) {
      general.push(`${issue.pointer}: ${message}`);
      continue;
    }
    byNode.set(nodeId, [...(byNode.get(nodeId) ?? []), message]);
    if (field) {
      const fields = byField.get(nodeId) ?? new Map<string, string>();
      fields.set(field, message);
      byField.set(nodeId, fields);
    }
  }
  return { byNode, byField, general };
}
