// The flow designer's auto layout: layers by longest path from the start, back edges ignored,
// stored positions kept.
import { describe, expect, it } from 'vitest';
import { autoLayout, layoutOf, layoutSpacing } from '../../designer/src/flows/auto-layout';
import type { DraftFlow } from '../../designer/src/flows/flow-model';

const flow = (edges: DraftFlow['edges'], layout?: DraftFlow['layout']): DraftFlow => ({
  key: 'f',
  label: { 'zh-CN': '流程', en: 'Flow' },
  table: 'lead',
  trigger: { on: 'record.created' },
  start: 'wait',
  nodes: ['end', 'wait', 'notify', 'escalate', 'task'].map((id) => ({ id, type: 'wait' as const })),
  edges,
  layout,
});

describe('flow auto layout', () => {
  const edges = [
    { from: 'wait', to: 'notify', on: 'timeout' },
    { from: 'wait', to: 'end', on: 'met' },
    { from: 'notify', to: 'escalate' },
    { from: 'escalate', to: 'end' },
    { from: 'escalate', to: 'task', on: 'exhausted' },
    // A loop back to the start must not push the start down.
    { from: 'task', to: 'wait', on: 'overdue' },
  ];

  it('puts each node one layer below its deepest parent, the start on top', () => {
    const layout = autoLayout(flow(edges));
    const layer = (id: string) => layout[id]!.y / layoutSpacing.y;
    expect(layer('wait')).toBe(0);
    expect(layer('notify')).toBe(1);
    expect(layer('escalate')).toBe(2);
    expect(layer('end')).toBe(3);
    expect(layer('task')).toBe(3);
    expect(layout.end!.x).not.toBe(layout.task!.x);
  });

  it('keeps stored positions and places only the nodes without one', () => {
    const layout = layoutOf(flow(edges, { wait: { x: 500, y: -40 } }));
    expect(layout.wait).toEqual({ x: 500, y: -40 });
    expect(Object.keys(layout).sort()).toEqual(['end', 'escalate', 'notify', 'task', 'wait']);
  });
});
