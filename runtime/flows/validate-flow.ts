// Publish-time checks of a flow graph: references, reachability, outcome edges, waitless loops, CEL.
import type { AppDefinition } from '../definition/definition-schema';
import { issue, type DefinitionIssue } from '../definition/definition-issue';
import { compileFlow } from './compile-flow';
import { outcomesOf, type FlowDefinition, type FlowNode } from './flow-schema';

/** Node types that wait for time or people, so a loop through them cannot spin. */
const waitingTypes: ReadonlySet<FlowNode['type']> = new Set([
  'wait',
  'wait_until',
  'escalation',
  'handover',
  'task',
]);
/** Node types whose every outcome must lead somewhere (or have a default edge). */
const mustRoute: ReadonlySet<FlowNode['type']> = new Set([
  'wait_until',
  'branch',
  'handover',
  'http',
]);

/**
 * Every problem of one flow, with pointers under `/flows/<index>`.
 * @example validateFlow(definition, flow, 0) // [] when the flow is sound
 */
export function validateFlow(
  definition: AppDefinition,
  flow: FlowDefinition,
  index: number,
): DefinitionIssue[] {
  const at = (...path: (string | number)[]) => ['flows', index, ...path];
  const issues: DefinitionIssue[] = [];
  const table = definition.tables.find((t) => t.key === flow.table);
  if (!table) {
    return [
      issue(
        at('table'),
        'UNKNOWN_TABLE',
        `flow runs on missing table "${flow.table}"`,
        `流程所在的表「${flow.table}」不存在`,
      ),
    ];
  }
  const fields = new Map(table.fields.map((f) => [f.key, f]));
  const ids = new Map<string, number>();
  flow.nodes.forEach((node, i) => {
    if (ids.has(node.id))
      issues.push(
        issue(
          at('nodes', i, 'id'),
          'DUPLICATE_KEY',
          `duplicate node id "${node.id}"`,
          `节点 ID「${node.id}」重复`,
        ),
      );
    ids.set(node.id, i);
  });
  const start = flow.start ?? flow.nodes[0]?.id;
  if (flow.start && !ids.has(flow.start)) {
    issues.push(
      issue(
        at('start'),
        'UNKNOWN_NODE',
        `start node "${flow.start}" does not exist`,
        `起始节点「${flow.start}」不存在`,
      ),
    );
  }
  flow.edges.forEach((edge, e) => {
    const from = flow.nodes[ids.get(edge.from) ?? -1];
    if (!from)
      issues.push(
        issue(
          at('edges', e, 'from'),
          'UNKNOWN_NODE',
          `edge starts at unknown node "${edge.from}"`,
          `连线起点「${edge.from}」不存在`,
        ),
      );
    if (!ids.has(edge.to))
      issues.push(
        issue(
          at('edges', e, 'to'),
          'UNKNOWN_NODE',
          `edge leads to unknown node "${edge.to}"`,
          `连线终点「${edge.to}」不存在`,
        ),
      );
    if (from && edge.on !== undefined && !outcomesOf(from).includes(edge.on)) {
      issues.push(
        issue(
          at('edges', e, 'on'),
          'UNKNOWN_OUTCOME',
          `a ${from.type} node has no outcome "${edge.on}" (it has: ${outcomesOf(from).join(', ') || 'none'})`,
          `${from.type} 节点没有结果「${edge.on}」`,
        ),
      );
    }
  });
  flow.nodes.forEach((node, i) => {
    const outgoing = flow.edges.filter((e) => e.from === node.id);
    if (mustRoute.has(node.type) && !outgoing.some((e) => e.on === undefined)) {
      const missing = outcomesOf(node).filter((o) => !outgoing.some((e) => e.on === o));
      if (missing.length > 0) {
        issues.push(
          issue(
            at('nodes', i),
            'MISSING_OUTCOME_EDGE',
            `node "${node.id}" has no edge for: ${missing.join(', ')}`,
            `节点「${node.id}」缺少以下结果的连线：${missing.join('、')}`,
          ),
        );
      }
    }
    issues.push(...fieldReferences(node, i, fields, definition, at));
  });
  if (start !== undefined) {
    const reachable = reach(start, flow);
    flow.nodes.forEach((node, i) => {
      if (!reachable.has(node.id))
        issues.push(
          issue(
            at('nodes', i),
            'UNREACHABLE_NODE',
            `node "${node.id}" cannot be reached from the start`,
            `节点「${node.id}」无法从起点到达`,
          ),
        );
    });
  }
  const loop = waitlessLoop(flow);
  if (loop)
    issues.push(
      issue(
        at('edges'),
        'LOOP_WITHOUT_WAIT',
        `the loop ${loop.join(' → ')} never waits`,
        `循环 ${loop.join(' → ')} 中没有等待节点`,
      ),
    );
  issues.push(...triggerIssues(definition, flow, at));
  const compiled = compileFlow(flow, table.fields);
  if (!compiled.ok) {
    for (const { pointer, issue: cel } of compiled.issues) {
      issues.push({
        pointer: `/flows/${index}${pointer}`,
        code: cel.code,
        message: {
          en: `line ${cel.line}, column ${cel.column}: ${cel.message}`,
          'zh-CN': `第 ${cel.line} 行第 ${cel.column} 列：${cel.message}`,
        },
      });
    }
  }
  return issues;
}

/** Node types an execution with no record (a schedule without `filter`) can run. */
const recordlessTypes: ReadonlySet<FlowNode['type']> = new Set(['wait', 'notify', 'http', 'end']);

/**
 * Whether a node needs a stored record, so an execution with none (a schedule without `filter`, a
 * dashboard threshold action) cannot run it.
 */
export function nodeNeedsRecord(node: FlowNode): boolean {
  return (
    !recordlessTypes.has(node.type) ||
    (node.type === 'notify' && node.to.startsWith('owner')) ||
    (node.type === 'http' && Object.keys(node.map ?? {}).length > 0)
  );
}

function triggerIssues(
  definition: AppDefinition,
  flow: FlowDefinition,
  at: (...path: (string | number)[]) => (string | number)[],
): DefinitionIssue[] {
  const trigger = flow.trigger;
  const found: DefinitionIssue[] = [];
  if (trigger.on === 'form.submitted') {
    const form = (definition.forms ?? []).find((f) => f.key === trigger.form);
    if (!form)
      found.push(
        issue(
          at('trigger', 'form'),
          'UNKNOWN_FORM',
          `no form "${trigger.form}"`,
          `表单「${trigger.form}」不存在`,
        ),
      );
    else if (form.table !== flow.table)
      found.push(
        issue(
          at('trigger', 'form'),
          'FORM_TABLE_MISMATCH',
          `form "${trigger.form}" writes table "${form.table}", the flow runs on "${flow.table}"`,
          `表单「${trigger.form}」写入表「${form.table}」，而流程所在表为「${flow.table}」`,
        ),
      );
  }
  if (trigger.on === 'schedule') {
    if (!validTimeZone(trigger.timeZone))
      found.push(
        issue(
          at('trigger', 'timeZone'),
          'UNKNOWN_TIME_ZONE',
          `unknown time zone "${trigger.timeZone}" (an IANA name such as Asia/Shanghai)`,
          `未知时区「${trigger.timeZone}」（应为 IANA 名称，例如 Asia/Shanghai）`,
        ),
      );
    if (!trigger.filter)
      flow.nodes.forEach((node, i) => {
        if (nodeNeedsRecord(node))
          found.push(
            issue(
              at('nodes', i),
              'NEEDS_RECORD',
              `a scheduled flow without a filter runs for no record; node "${node.id}" needs one`,
              `没有筛选条件的定时流程不针对任何记录运行，节点「${node.id}」需要记录`,
            ),
          );
      });
  }
  return found;
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function fieldReferences(
  node: FlowNode,
  i: number,
  fields: ReadonlyMap<string, { type: string }>,
  definition: AppDefinition,
  at: (...path: (string | number)[]) => (string | number)[],
): DefinitionIssue[] {
  const unknown = (path: (string | number)[], key: string) =>
    issue(
      at('nodes', i, ...path),
      'UNKNOWN_FIELD',
      `no field "${key}" on the flow's table`,
      `流程所在表中没有字段「${key}」`,
    );
  const found: DefinitionIssue[] = [];
  if (node.type === 'wait_until' && node.from !== undefined) {
    const field = fields.get(node.from);
    if (!field) found.push(unknown(['from'], node.from));
    else if (field.type !== 'datetime' && field.type !== 'date') {
      found.push(
        issue(
          at('nodes', i, 'from'),
          'NOT_A_DATETIME',
          `"${node.from}" is not a date or datetime field`,
          `「${node.from}」不是日期或日期时间字段`,
        ),
      );
    }
  }
  if (node.type === 'update') {
    for (const key of Object.keys(node.set)) {
      const field = fields.get(key);
      if (!field && key !== 'stage' && key !== 'owner') found.push(unknown(['set', key], key));
      else if (field && (field.type === 'computed' || field.type === 'auto_number')) {
        found.push(
          issue(
            at('nodes', i, 'set', key),
            'READ_ONLY_FIELD',
            `"${key}" is computed and cannot be set`,
            `「${key}」是计算字段，不能赋值`,
          ),
        );
      }
    }
  }
  if (node.type === 'handover') {
    node.senderMust.forEach(
      (key, j) => fields.has(key) || found.push(unknown(['senderMust', j], key)),
    );
    if (node.invalidReasons && !definition.lists?.[node.invalidReasons]) {
      found.push(
        issue(
          at('nodes', i, 'invalidReasons'),
          'UNKNOWN_LIST',
          `no list "${node.invalidReasons}" in lists`,
          `没有名为「${node.invalidReasons}」的选项列表`,
        ),
      );
    }
  }
  return found;
}

function reach(start: string, flow: FlowDefinition): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const edge of flow.edges) {
      if (edge.from === id && !seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return seen;
}

/** A cycle made only of nodes that never wait, or undefined. */
function waitlessLoop(flow: FlowDefinition): string[] | undefined {
  const instant = new Set(flow.nodes.filter((n) => !waitingTypes.has(n.type)).map((n) => n.id));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    path.push(id);
    for (const edge of flow.edges) {
      if (edge.from !== id || !instant.has(edge.to)) continue;
      if (state.get(edge.to) === 'visiting') return [...path.slice(path.indexOf(edge.to)), edge.to];
      if (!state.has(edge.to)) {
        const found = visit(edge.to);
        if (found) return found;
      }
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of instant) {
    if (!state.has(id)) {
      const found = visit(id);
      if (found) return found;
    }
  }
  return undefined;
}
