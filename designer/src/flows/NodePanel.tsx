// The selected node's settings, as a form generated from its type's JSON Schema; with nothing
// selected, the flow's own settings: name and trigger.
import { z } from 'zod';
import { flowTriggerSchema } from '../../../runtime/flows/flow-schema';
import type { LocalizedText } from '../../../runtime/localized-text';
import { LocalizedInput } from '../draft/LocalizedInput';
import { useTr } from '../shell/locale-context';
import { nodeTypeInfo, type DraftFlow, type DraftNode } from './flow-model';
import { nodeSettingsSchema } from './node-schemas';
import { SchemaForm, type JsonSchema } from './SchemaForm';

const labels: Record<string, LocalizedText> = {
  duration: { 'zh-CN': '时长', en: 'Duration' },
  businessHours: { 'zh-CN': '按工作时间计', en: 'Business hours' },
  condition: { 'zh-CN': '条件 (CEL)', en: 'Condition (CEL)' },
  timeout: { 'zh-CN': '超时', en: 'Timeout' },
  from: { 'zh-CN': '起算字段', en: 'Count from field' },
  cases: { 'zh-CN': '分支条件', en: 'Cases' },
  when: { 'zh-CN': '条件 (CEL)', en: 'When (CEL)' },
  outcome: { 'zh-CN': '出口', en: 'Outcome' },
  set: { 'zh-CN': '字段 → 新值 (CEL)', en: 'Field → value (CEL)' },
  to: { 'zh-CN': '接收人', en: 'To' },
  channel: { 'zh-CN': '渠道', en: 'Channel' },
  title: { 'zh-CN': '标题', en: 'Title' },
  body: { 'zh-CN': '正文', en: 'Body' },
  until: { 'zh-CN': '停止条件 (CEL)', en: 'Stop when (CEL)' },
  levels: { 'zh-CN': '升级层级', en: 'Levels' },
  after: { 'zh-CN': '间隔', en: 'After' },
  senderMust: { 'zh-CN': '交出方必填字段', en: 'Sender must fill' },
  acceptWithin: { 'zh-CN': '接收时限', en: 'Accept within' },
  invalidReasons: { 'zh-CN': '无效原因列表', en: 'Invalid reasons list' },
  onTimeout: { 'zh-CN': '超时退回', en: 'On timeout' },
  assignee: { 'zh-CN': '负责人', en: 'Assignee' },
  due: { 'zh-CN': '期限', en: 'Due' },
  remindBefore: { 'zh-CN': '提前提醒', en: 'Remind before' },
  url: { 'zh-CN': '地址', en: 'URL' },
  method: { 'zh-CN': '方法', en: 'Method' },
  timeoutMs: { 'zh-CN': '超时 (毫秒)', en: 'Timeout (ms)' },
  retries: { 'zh-CN': '重试次数', en: 'Retries' },
  map: { 'zh-CN': '响应映射', en: 'Response mapping' },
  cron: { 'zh-CN': 'Cron 表达式', en: 'Cron' },
  timeZone: { 'zh-CN': '时区', en: 'Time zone' },
  form: { 'zh-CN': '表单', en: 'Form' },
  'zh-CN': { 'zh-CN': '中文', en: 'Chinese' },
  en: { 'zh-CN': '英文', en: 'English' },
};
const celKeys = new Set(['condition', 'until', 'when']);

const triggerLabels: Record<string, LocalizedText> = {
  'record.created': { 'zh-CN': '记录创建时', en: 'Record created' },
  'record.updated': { 'zh-CN': '记录更新时', en: 'Record updated' },
  'form.submitted': { 'zh-CN': '表单提交时', en: 'Form submitted' },
  schedule: { 'zh-CN': '定时', en: 'Schedule' },
  manual: { 'zh-CN': '手动', en: 'Manual' },
  webhook: { 'zh-CN': 'Webhook', en: 'Webhook' },
};

function triggerSchema(on: string): JsonSchema {
  const option = flowTriggerSchema.options.find((o) => o.shape.on.value === on);
  if (!option) return { type: 'object', properties: {} };
  const schema = z.toJSONSchema(option, { target: 'draft-7', io: 'input' }) as JsonSchema;
  const properties = { ...schema.properties };
  delete properties.on;
  return { ...schema, properties, required: (schema.required ?? []).filter((k) => k !== 'on') };
}

export function NodePanel({
  node,
  errors,
  onChange,
  onDelete,
  onMakeStart,
}: {
  readonly node: DraftNode;
  readonly errors: ReadonlyMap<string, string> | undefined;
  readonly onChange: (node: DraftNode) => void;
  readonly onDelete: () => void;
  readonly onMakeStart: () => void;
}) {
  const { tr } = useTr();
  const { id, type, ...settings } = node;
  return (
    <aside className="panel flow-properties" data-testid="node-panel">
      <h3>
        {tr(nodeTypeInfo(type).label)} <code>{id}</code>
      </h3>
      <SchemaForm
        schema={nodeSettingsSchema(type)}
        value={settings}
        labels={labels}
        celKeys={celKeys}
        errors={errors}
        onChange={(next) => onChange({ ...next, id, type })}
      />
      <div className="toolbar">
        <button type="button" onClick={onMakeStart} data-testid="make-start">
          {tr({ 'zh-CN': '设为起点', en: 'Make start' })}
        </button>
        <button type="button" className="danger" onClick={onDelete} data-testid="delete-node">
          {tr({ 'zh-CN': '删除节点', en: 'Delete node' })}
        </button>
      </div>
    </aside>
  );
}

export function FlowSettingsPanel({
  flow,
  tables,
  onChange,
}: {
  readonly flow: DraftFlow;
  readonly tables: readonly string[];
  readonly onChange: (flow: DraftFlow) => void;
}) {
  const { tr } = useTr();
  const { on, ...rest } = flow.trigger;
  return (
    <aside className="panel flow-properties" data-testid="flow-settings">
      <h3>{tr({ 'zh-CN': '流程设置', en: 'Flow settings' })}</h3>
      <label>
        {tr({ 'zh-CN': '名称', en: 'Name' })}
        <LocalizedInput
          value={flow.label}
          onChange={(label) => onChange({ ...flow, label })}
          testId="flow-label"
        />
      </label>
      <label>
        {tr({ 'zh-CN': '数据表', en: 'Table' })}
        <select value={flow.table} onChange={(e) => onChange({ ...flow, table: e.target.value })}>
          {tables.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        {tr({ 'zh-CN': '触发', en: 'Trigger' })}
        <select
          value={on}
          data-testid="trigger-on"
          onChange={(e) => onChange({ ...flow, trigger: { on: e.target.value } })}
        >
          {Object.entries(triggerLabels).map(([k, l]) => (
            <option key={k} value={k}>
              {tr(l)}
            </option>
          ))}
        </select>
      </label>
      <SchemaForm
        schema={triggerSchema(on)}
        value={rest}
        labels={labels}
        celKeys={celKeys}
        onChange={(next) => onChange({ ...flow, trigger: { ...next, on } })}
      />
    </aside>
  );
}
