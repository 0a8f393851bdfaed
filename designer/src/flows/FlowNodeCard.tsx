// One node on the canvas: its type, id and a one-line summary, an input handle on top and one
// output handle per outcome at the bottom; red when the server found problems with it.
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { useTr } from '../shell/locale-context';
import type { DraftNode } from './flow-model';
import { nodeTypeInfo, outcomesOfDraft } from './flow-model';

export interface FlowNodeData extends Record<string, unknown> {
  readonly node: DraftNode;
  readonly isStart: boolean;
  readonly issues: readonly string[];
  /** The simulation is at this node at the scrubber's time. */
  readonly active: boolean;
  /** The simulation has passed through this node by the scrubber's time. */
  readonly visited: boolean;
}

export type FlowCanvasNode = Node<FlowNodeData, 'baton'>;

function summary(node: DraftNode): string {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (node.type) {
    case 'wait':
      return text(node.duration);
    case 'wait_until':
      return `${text(node.condition)} · ${text(node.timeout)}`;
    case 'escalation':
      return text(node.until);
    case 'notify':
      return `→ ${text(node.to)} (${text(node.channel)})`;
    case 'task':
      return `→ ${text(node.assignee)} · ${text(node.due)}`;
    case 'handover':
      return `→ ${text(node.to)} · ${text(node.acceptWithin)}`;
    case 'assign':
      return text(node.to);
    case 'http':
      return `${text(node.method)} ${text(node.url)}`;
    default:
      return '';
  }
}

export const FlowNodeCard = memo(function FlowNodeCard({
  data,
  selected,
}: NodeProps<FlowCanvasNode>) {
  const { tr } = useTr();
  const { node, issues, isStart, active, visited } = data;
  const info = nodeTypeInfo(node.type);
  const outcomes = outcomesOfDraft(node);
  const classes = ['flow-node'];
  if (selected) classes.push('selected');
  if (issues.length > 0) classes.push('invalid');
  if (active) classes.push('active');
  else if (visited) classes.push('visited');
  return (
    <div
      className={classes.join(' ')}
      style={{ borderTopColor: info.color }}
      data-testid={`node-${node.id}`}
      data-invalid={issues.length > 0}
      title={issues.join('\n') || undefined}
    >
      <Handle type="target" position={Position.Top} />
      <div className="flow-node-type" style={{ color: info.color }}>
        {isStart ? '▶ ' : ''}
        {tr(info.label)}
      </div>
      <div className="flow-node-id">{node.id}</div>
      <div className="flow-node-summary">{summary(node)}</div>
      {issues.length > 0 && (
        <div className="flow-node-issue" data-testid={`node-issue-${node.id}`}>
          {issues.slice(0, 3).map((m, i) => (
            <div key={i}>⚠ {m}</div>
          ))}
        </div>
      )}
      <div className="flow-node-outcomes">
        {outcomes.map((o, i) => (
          <span key={o} style={{ left: `${((i + 1) / (outcomes.length + 1)) * 100}%` }}>
            {o === 'next' ? '' : o}
          </span>
        ))}
      </div>
      {outcomes.map((o, i) => (
        <Handle
          key={o}
          id={o}
          type="source"
          position={Position.Bottom}
          style={{ left: `${((i + 1) / (outcomes.length + 1)) * 100}%` }}
          data-testid={`handle-${node.id}-${o}`}
        />
      ))}
    </div>
  );
});
