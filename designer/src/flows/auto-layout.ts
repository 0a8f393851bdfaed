// A simple layered layout for flows drawn without positions: layers by longest path from the
// start (back edges ignored), nodes in a layer ordered by their parents' places.
import type { DraftFlow } from './flow-model';

export const layoutSpacing = { x: 240, y: 150 } as const;

/**
 * Positions for every node of a flow, top to bottom from the start node.
 * @example autoLayout(flow).ladder // { x: 0, y: 0 }
 */
export function autoLayout(flow: DraftFlow): Record<string, { x: number; y: number }> {
  const ids = flow.nodes.map((n) => n.id);
  const known = new Set(ids);
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of flow.edges) {
    if (known.has(e.from) && known.has(e.to)) out.get(e.from)!.push(e.to);
  }
  const start = flow.start && known.has(flow.start) ? flow.start : ids[0];
  // DFS order from the start (then from every unreached node) marks back edges.
  const layer = new Map<string, number>();
  const order: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<string>();
  const visit = (root: string) => {
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const children = out.get(top.id)!;
      if (top.next < children.length) {
        const child = children[top.next++]!;
        const s = state.get(child);
        if (s === 'open') back.add(`${top.id}>${child}`);
        else if (s === undefined) {
          state.set(child, 'open');
          stack.push({ id: child, next: 0 });
        }
      } else {
        state.set(top.id, 'done');
        order.push(top.id);
        stack.pop();
      }
    }
  };
  if (start) visit(start);
  for (const id of ids) if (!state.has(id)) visit(id);
  // Reverse post-order is a topological order of the forward edges.
  const parents = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const id of order.reverse()) {
    layer.set(id, layer.get(id) ?? 0);
    for (const child of out.get(id)!) {
      if (back.has(`${id}>${child}`)) continue;
      layer.set(child, Math.max(layer.get(child) ?? 0, layer.get(id)! + 1));
      parents.get(child)!.push(id);
    }
  }
  const layers: string[][] = [];
  for (const id of order) (layers[layer.get(id)!] ??= []).push(id);
  const place = new Map<string, number>();
  const positions: Record<string, { x: number; y: number }> = {};
  layers.forEach((members, depth) => {
    const keyed = members.map((id, i) => {
      const ps = parents.get(id)!.map((p) => place.get(p) ?? 0);
      return { id, key: ps.length > 0 ? ps.reduce((a, b) => a + b, 0) / ps.length : i };
    });
    keyed.sort((a, b) => a.key - b.key);
    const offset = (keyed.length - 1) / 2;
    keyed.forEach(({ id }, i) => {
      place.set(id, i);
      positions[id] = { x: Math.round((i - offset) * layoutSpacing.x), y: depth * layoutSpacing.y };
    });
  });
  return positions;
}

/** The layout stored with the flow, filled in for nodes that have none. */
export function layoutOf(flow: DraftFlow): Record<string, { x: number; y: number }> {
  const stored = flow.layout ?? {};
  if (flow.nodes.every((n) => stored[n.id])) return { ...stored };
  const computed = autoLayout(flow);
  return { ...computed, ...stored };
}
