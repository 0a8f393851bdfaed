// The flow designer: palette, canvas, property panel and simulator around one flow of the draft;
// saves the draft, marks the nodes the server's validation points at, and publishes.
import { useCallback, useMemo, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type { FlowNodeType } from '../../../runtime/flows/flow-schema';
import type { DefinitionIssue } from '../api/admin';
import { IssueList } from '../draft/IssueList';
import { PublishDialog } from '../draft/PublishDialog';
import { useDraft } from '../draft/useDraft';
import { useTr } from '../shell/locale-context';
import { routeHref } from '../shell/router';
import { autoLayout, layoutOf, layoutSpacing } from './auto-layout';
import { FlowCanvas } from './FlowCanvas';
import { flowIssues } from './flow-issues';
import {
  defaultNodeConfig,
  freshNodeId,
  removeNode,
  type DraftFlow,
  type DraftNode,
} from './flow-model';
import { FlowSettingsPanel, NodePanel } from './NodePanel';
import { NodePalette } from './NodePalette';
import { SimulatePanel, type SimulationView } from './SimulatePanel';

const noIssues = new Map<string, readonly string[]>();
const noneVisited = new Set<string>();

export function FlowDesigner({
  space,
  flowKey,
}: {
  readonly space: string;
  readonly flowKey: string;
}) {
  const { tr, locale } = useTr();
  const { draft, error, dirty, update, save } = useDraft(space);
  const [issues, setIssues] = useState<readonly DefinitionIssue[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [view, setView] = useState<SimulationView | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [status, setStatus] = useState<string | null>(null);

  const flows = (draft?.flows ?? []) as unknown as DraftFlow[];
  const index = flows.findIndex((f) => f.key === flowKey);
  const flow = index >= 0 ? flows[index]! : null;

  const change = useCallback(
    (next: (f: DraftFlow) => DraftFlow) =>
      update((d: AppDefinition) => {
        const list = [...((d.flows ?? []) as unknown as DraftFlow[])];
        const at = list.findIndex((f) => f.key === flowKey);
        if (at < 0) return d;
        list[at] = next(list[at]!);
        return { ...d, flows: list as unknown as AppDefinition['flows'] };
      }),
    [update, flowKey],
  );

  const table = draft?.tables.find((t) => t.key === flow?.table);
  const condition = table?.fields[0] ? `record.${table.fields[0].key} != null` : 'true';
  const mapped = useMemo(
    () => (flow ? flowIssues(issues, flow, index, locale) : null),
    [issues, flow, index, locale],
  );

  const addNode = useCallback(
    (type: FlowNodeType, position?: { x: number; y: number }) => {
      change((f) => {
        const id = freshNodeId(f, type);
        const layout = layoutOf(f);
        const below = selected && layout[selected];
        const at =
          position ??
          (below
            ? { x: below.x, y: below.y + layoutSpacing.y }
            : {
                x: 0,
                y:
                  (Math.max(-1, ...Object.values(layout).map((p) => p.y / layoutSpacing.y)) + 1) *
                  layoutSpacing.y,
              });
        const node = { id, type, ...defaultNodeConfig(type, condition) } as DraftNode;
        setSelected(id);
        return { ...f, nodes: [...f.nodes, node], layout: { ...layout, [id]: at } };
      });
    },
    [change, selected, condition],
  );
  const onMove = useCallback(
    (id: string, position: { x: number; y: number }) =>
      change((f) => ({
        ...f,
        layout: { ...layoutOf(f), [id]: { x: Math.round(position.x), y: Math.round(position.y) } },
      })),
    [change],
  );
  const onConnect = useCallback(
    (from: string, outcome: string, to: string) =>
      change((f) => {
        const on = outcome === 'next' ? undefined : outcome;
        // One edge per outcome: a new connection from the same handle replaces the old one.
        const edges = f.edges.filter((e) => !(e.from === from && (e.on ?? 'next') === outcome));
        return { ...f, edges: [...edges, on ? { from, to, on } : { from, to }] };
      }),
    [change],
  );
  const onRemoveNode = useCallback(
    (id: string) => {
      setSelected(null);
      change((f) => removeNode(f, id));
    },
    [change],
  );
  const onRemoveEdge = useCallback(
    (i: number) => change((f) => ({ ...f, edges: f.edges.filter((_, j) => j !== i) })),
    [change],
  );

  const saveDraft = async () => {
    setStatus(null);
    try {
      const found = await save();
      setIssues(found);
      setStatus(
        found.length === 0
          ? tr({ 'zh-CN': '草稿已保存，校验通过', en: 'Draft saved; it validates' })
          : tr({
              'zh-CN': `草稿已保存，有 ${found.length} 个问题`,
              en: `Draft saved with ${found.length} problems`,
            }),
      );
      return found;
    } catch (e) {
      setStatus(e instanceof Error ? e.message : String(e));
      return [];
    }
  };

  if (error) return <p className="error">{error}</p>;
  if (!draft) return <p>…</p>;
  if (!flow) {
    return (
      <p className="error">
        {tr({ 'zh-CN': `草稿中没有流程 ${flowKey}`, en: `The draft has no flow ${flowKey}` })}{' '}
        <a href={routeHref('flows', space)}>←</a>
      </p>
    );
  }
  const node = flow.nodes.find((n) => n.id === selected);

  return (
    <div className="admin flow-designer" data-testid="flow-designer">
      <div className="toolbar">
        <a href={routeHref('flows', space)}>← {tr({ 'zh-CN': '流程列表', en: 'Flows' })}</a>
        <h2>
          {flow.label[locale]} <code>{flow.key}</code>
        </h2>
        <button type="button" onClick={() => void saveDraft()} data-testid="save-draft">
          {tr({ 'zh-CN': '保存草稿', en: 'Save draft' })}
          {dirty ? ' •' : ''}
        </button>
        <button
          type="button"
          onClick={() => change((f) => ({ ...f, layout: autoLayout(f) }))}
          data-testid="auto-layout"
        >
          {tr({ 'zh-CN': '自动布局', en: 'Auto layout' })}
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => setPublishing(true)}
          data-testid="publish"
        >
          {tr({ 'zh-CN': '发布', en: 'Publish' })}
        </button>
        {status && (
          <span className="muted" data-testid="flow-status">
            {status}
          </span>
        )}
      </div>
      {mapped && mapped.general.length > 0 && (
        <ul className="issues" data-testid="flow-issues">
          {mapped.general.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      <div className="flow-layout">
        <NodePalette onAdd={(type) => addNode(type)} />
        <ReactFlowProvider>
          <FlowCanvas
            flow={flow}
            selected={selected}
            issuesByNode={mapped?.byNode ?? noIssues}
            activeNode={view?.active ?? null}
            visited={view?.visited ?? noneVisited}
            onSelect={setSelected}
            onMove={onMove}
            onConnect={onConnect}
            onRemoveNode={onRemoveNode}
            onRemoveEdge={onRemoveEdge}
            onDropNode={(type, position) => addNode(type, position)}
          />
        </ReactFlowProvider>
        {node ? (
          <NodePanel
            key={node.id}
            node={node}
            errors={mapped?.byField.get(node.id)}
            onChange={(next) =>
              change((f) => ({ ...f, nodes: f.nodes.map((n) => (n.id === next.id ? next : n)) }))
            }
            onDelete={() => onRemoveNode(node.id)}
            onMakeStart={() => change((f) => ({ ...f, start: node.id }))}
          />
        ) : (
          <FlowSettingsPanel
            flow={flow}
            tables={draft.tables.map((t) => t.key)}
            onChange={(next) => change(() => next)}
          />
        )}
      </div>
      <SimulatePanel space={space} flow={flow} onView={setView} />
      {publishing && (
        <PublishDialog
          space={space}
          save={async () => {
            const found = await save();
            setIssues(found);
            return found;
          }}
          onClose={() => setPublishing(false)}
          onPublished={(version) =>
            setStatus(
              tr({ 'zh-CN': `已发布为版本 ${version}`, en: `Published as version ${version}` }),
            )
          }
        />
      )}
      <IssueList
        issues={issues.filter(
          (i) => !i.pointer.startsWith(`/flows/${index}/`) && i.pointer.startsWith('/flows'),
        )}
      />
    </div>
  );
}
