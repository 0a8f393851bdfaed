// The flow canvas: nodes at their stored (or auto-laid-out) positions, edges labelled with the
// outcome they follow; nodes are dragged in from the palette, moved, connected and deleted here.
import { useCallback, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
  type ReactFlowState,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { FlowNodeType } from '../../../runtime/flows/flow-schema';
import { layoutOf } from './auto-layout';
import { handleOf, type DraftFlow } from './flow-model';
import { FlowNodeCard, type FlowCanvasNode } from './FlowNodeCard';

/** The data type the palette puts on a drag. */
export const paletteMime = 'application/x-baton-node';

const nodeComponents = { baton: FlowNodeCard };
const fitViewOptions = { maxZoom: 1 };
const deleteKeys = ['Delete', 'Backspace'];

// Below this zoom the 20 px dot grid is a few pixels apart and 12 px text is 6 px or less: neither
// can be read, and repainting them on every pan frame costs more than drawing the flow itself.
// Past it the canvas keeps only the nodes' outlines, types and the edges (xyflow's contextual zoom).
const detailMinZoom = 0.5;
const showsDetail = (s: ReactFlowState) => s.transform[2] >= detailMinZoom;

export interface FlowCanvasProps {
  readonly flow: DraftFlow;
  readonly selected: string | null;
  readonly issuesByNode: ReadonlyMap<string, readonly string[]>;
  readonly activeNode: string | null;
  readonly visited: ReadonlySet<string>;
  readonly onSelect: (id: string | null) => void;
  readonly onMove: (id: string, position: { x: number; y: number }) => void;
  readonly onConnect: (from: string, outcome: string, to: string) => void;
  readonly onRemoveNode: (id: string) => void;
  readonly onRemoveEdge: (index: number) => void;
  readonly onDropNode: (type: FlowNodeType, position: { x: number; y: number }) => void;
}

export function FlowCanvas(props: FlowCanvasProps) {
  const { flow, selected, issuesByNode, activeNode, visited } = props;
  const { screenToFlowPosition } = useReactFlow();
  const layout = useMemo(() => layoutOf(flow), [flow]);
  const start = flow.start ?? flow.nodes[0]?.id;
  // A boolean selector: the canvas re-renders when the zoom crosses the threshold, not per frame.
  const detailed = useStore(showsDetail);

  // xyflow keeps a node's measured size on the node object; keep it, and reuse unchanged node
  // objects so a drag re-renders one node, not three hundred.
  const [sizes, setSizes] = useState<Record<string, { width: number; height: number }>>({});
  const cache = useRef(new Map<string, FlowCanvasNode>());
  const nodes = useMemo<FlowCanvasNode[]>(() => {
    const next = new Map<string, FlowCanvasNode>();
    const list = flow.nodes.map((node) => {
      const position = layout[node.id] ?? { x: 0, y: 0 };
      const data = {
        node,
        isStart: node.id === start,
        issues: issuesByNode.get(node.id) ?? [],
        active: node.id === activeNode,
        visited: visited.has(node.id),
      };
      const measured = sizes[node.id];
      const old = cache.current.get(node.id);
      const same =
        old &&
        old.position.x === position.x &&
        old.position.y === position.y &&
        old.selected === (node.id === selected) &&
        old.measured === measured &&
        old.data.node === data.node &&
        old.data.isStart === data.isStart &&
        old.data.issues === data.issues &&
        old.data.active === data.active &&
        old.data.visited === data.visited;
      const built: FlowCanvasNode = same
        ? old
        : {
            id: node.id,
            type: 'baton',
            position,
            selected: node.id === selected,
            ...(measured ? { measured } : {}),
            data,
          };
      next.set(node.id, built);
      return built;
    });
    cache.current = next;
    return list;
  }, [flow.nodes, layout, selected, start, issuesByNode, activeNode, visited, sizes]);
  const edges = useMemo<Edge[]>(
    () =>
      flow.edges.map((edge, i) => ({
        id: `e${i}`,
        source: edge.from,
        target: edge.to,
        sourceHandle: handleOf(edge),
        label: edge.on,
        markerEnd: { type: MarkerType.ArrowClosed },
        data: { index: i },
      })),
    [flow.edges],
  );

  const { onMove, onSelect, onRemoveNode, onRemoveEdge, onConnect, onDropNode } = props;
  const onNodesChange = useCallback(
    (changes: NodeChange<FlowCanvasNode>[]) => {
      const measured: Record<string, { width: number; height: number }> = {};
      for (const change of changes) {
        if (change.type === 'dimensions' && change.dimensions)
          measured[change.id] = change.dimensions;
        else if (change.type === 'position' && change.position) onMove(change.id, change.position);
        else if (change.type === 'select' && change.selected) onSelect(change.id);
        else if (change.type === 'remove') onRemoveNode(change.id);
      }
      if (Object.keys(measured).length > 0) setSizes((prev) => ({ ...prev, ...measured }));
    },
    [onMove, onSelect, onRemoveNode],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const removed = changes
        .filter((c) => c.type === 'remove')
        .map((c) => Number(c.id.slice(1)))
        .sort((a, b) => b - a);
      for (const index of removed) onRemoveEdge(index);
    },
    [onRemoveEdge],
  );
  const connect = useCallback(
    (c: Connection) => {
      if (c.source && c.target) onConnect(c.source, c.sourceHandle ?? 'next', c.target);
    },
    [onConnect],
  );
  const onPaneClick = useCallback(() => onSelect(null), [onSelect]);
  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(paletteMime)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(paletteMime) as FlowNodeType;
      if (!type) return;
      event.preventDefault();
      const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      onDropNode(type, { x: Math.round(at.x - 90), y: Math.round(at.y - 30) });
    },
    [screenToFlowPosition, onDropNode],
  );

  return (
    <div
      className={detailed ? 'flow-canvas' : 'flow-canvas far'}
      data-testid="flow-canvas"
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeComponents}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        onPaneClick={onPaneClick}
        fitView
        fitViewOptions={fitViewOptions}
        minZoom={0.05}
        deleteKeyCode={deleteKeys}
      >
        {detailed && <Background gap={20} />}
        <Controls />
        {/* The minimap redraws every node on each viewport change; large flows skip it. */}
        {flow.nodes.length <= 120 && <MiniMap pannable zoomable />}
      </ReactFlow>
    </div>
  );
}
