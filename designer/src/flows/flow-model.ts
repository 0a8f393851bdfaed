// The flow as the designer edits it: loosely typed (a node may be half filled in while the admin
// works), with node type metadata, defaults, outcomes and fresh ids.
import { outcomesOf, type FlowNode, type FlowNodeType } from '../../../runtime/flows/flow-schema';
import type { LocalizedText } from '../../../runtime/localized-text';

export interface DraftNode {
  readonly id: string;
  readonly type: FlowNodeType;
  readonly [key: string]: unknown;
}

export interface DraftEdge {
  readonly from: string;
  readonly to: string;
  readonly on?: string;
}

export interface DraftFlow {
  readonly key: string;
  readonly label: LocalizedText;
  readonly table: string;
  readonly trigger: Readonly<Record<string, unknown>> & { readonly on: string };
  readonly start?: string;
  readonly nodes: readonly DraftNode[];
  readonly edges: readonly DraftEdge[];
  readonly layout?: Readonly<Record<string, { readonly x: number; readonly y: number }>>;
}

export interface NodeTypeInfo {
  readonly type: FlowNodeType;
  readonly label: LocalizedText;
  readonly color: string;
}

/** Palette order and colours; the labels are what admins read. */
export const nodeTypes: readonly NodeTypeInfo[] = [
  { type: 'wait', label: { 'zh-CN': '等待', en: 'Wait' }, color: '#829ab1' },
  { type: 'wait_until', label: { 'zh-CN': '等待条件', en: 'Wait until' }, color: '#2680c2' },
  { type: 'branch', label: { 'zh-CN': '分支', en: 'Branch' }, color: '#9446ed' },
  { type: 'update', label: { 'zh-CN': '更新记录', en: 'Update record' }, color: '#27ab83' },
  { type: 'assign', label: { 'zh-CN': '分配', en: 'Assign' }, color: '#3ebd93' },
  { type: 'notify', label: { 'zh-CN': '通知', en: 'Notify' }, color: '#f0b429' },
  { type: 'escalation', label: { 'zh-CN': '逐级升级', en: 'Escalation' }, color: '#e12d39' },
  { type: 'handover', label: { 'zh-CN': '交接', en: 'Handover' }, color: '#d64545' },
  { type: 'task', label: { 'zh-CN': '任务', en: 'Task' }, color: '#de911d' },
  { type: 'http', label: { 'zh-CN': 'HTTP 调用', en: 'HTTP call' }, color: '#486581' },
  { type: 'end', label: { 'zh-CN': '结束', en: 'End' }, color: '#334e68' },
];

export function nodeTypeInfo(type: string): NodeTypeInfo {
  return nodeTypes.find((t) => t.type === type) ?? nodeTypes[0]!;
}

const title = (zh: string, en: string) => ({ title: { 'zh-CN': zh, en } });

/** A new node's settings: valid as they stand, so a fresh flow simulates at once. */
export function defaultNodeConfig(type: FlowNodeType, condition: string): Record<string, unknown> {
  switch (type) {
    case 'wait':
      return { duration: 'PT1H' };
    case 'wait_until':
      return { condition, timeout: 'PT4H' };
    case 'branch':
      return { cases: [{ when: condition, outcome: 'yes' }] };
    case 'update':
      return { set: {} };
    case 'assign':
      return { to: 'rules' };
    case 'notify':
      return { to: 'owner', channel: 'inapp', ...title('线索提醒', 'Lead reminder') };
    case 'escalation':
      return {
        until: condition,
        levels: [{ after: 'PT4H', to: 'owner', channel: 'inapp', ...title('请跟进', 'Follow up') }],
      };
    case 'handover':
      return {
        to: 'owner',
        senderMust: [],
        acceptWithin: 'PT24H',
        ...title('线索交接', 'Handover'),
      };
    case 'task':
      return { assignee: 'owner', due: 'P1D', ...title('跟进任务', 'Follow-up task') };
    case 'http':
      return { url: 'https://example.com/hook', method: 'POST', timeoutMs: 10_000, retries: 3 };
    case 'end':
      return {};
  }
}

/** The outcomes a node can leave by; half-filled nodes fall back to the plain way on. */
export function outcomesOfDraft(node: DraftNode): readonly string[] {
  try {
    return outcomesOf(node as unknown as FlowNode);
  } catch {
    return ['next'];
  }
}

/** `wait_until_1`, `wait_until_2`…: the first id of that type not taken yet. */
export function freshNodeId(flow: DraftFlow, type: FlowNodeType): string {
  const taken = new Set(flow.nodes.map((n) => n.id));
  for (let i = 1; ; i++) {
    const id = `${type}_${i}`;
    if (!taken.has(id)) return id;
  }
}

/** The edge's outcome as a handle id: the plain way on is `next`. */
export function handleOf(edge: DraftEdge): string {
  return edge.on ?? 'next';
}

/** Removes a node with its edges and its position. */
export function removeNode(flow: DraftFlow, id: string): DraftFlow {
  const layout = { ...flow.layout };
  delete layout[id];
  return {
    ...flow,
    start: flow.start === id ? undefined : flow.start,
    nodes: flow.nodes.filter((n) => n.id !== id),
    edges: flow.edges.filter((e) => e.from !== id && e.to !== id),
    layout,
  };
}
