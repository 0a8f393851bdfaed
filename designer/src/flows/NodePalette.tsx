// The node palette: drag a node type onto the canvas (or click to add it below the selection).
import type { FlowNodeType } from '../../../runtime/flows/flow-schema';
import { useTr } from '../shell/locale-context';
import { paletteMime } from './FlowCanvas';
import { nodeTypes } from './flow-model';

export function NodePalette({ onAdd }: { readonly onAdd: (type: FlowNodeType) => void }) {
  const { tr } = useTr();
  return (
    <aside className="flow-palette" data-testid="node-palette">
      <h3>{tr({ 'zh-CN': '节点', en: 'Nodes' })}</h3>
      {nodeTypes.map((t) => (
        <div
          key={t.type}
          className="palette-item"
          draggable
          data-testid={`palette-${t.type}`}
          style={{ borderLeftColor: t.color }}
          onDragStart={(e) => {
            e.dataTransfer.setData(paletteMime, t.type);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onDoubleClick={() => onAdd(t.type)}
          title={tr({
            'zh-CN': '拖到画布上，或双击添加',
            en: 'Drag onto the canvas, or double-click',
          })}
        >
          {tr(t.label)}
        </div>
      ))}
    </aside>
  );
}
