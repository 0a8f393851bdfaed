// Flows and fields shared by the flow unit tests (the medical-device pack's shapes, PLAYBOOKS A3/A4).
import type { FieldDefinition } from '../definition/field-schema';
import type { FlowDefinition } from './flow-schema';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

export const leadFields: FieldDefinition[] = [
  { key: 'name', type: 'text', label: l('Name', '姓名') },
  { key: 'first_contact_at', type: 'datetime', label: l('First contact', '首次联系') },
  { key: 'screening_done', type: 'boolean', label: l('Screening form done', '需求初筛表') },
  { key: 'touch_count', type: 'integer', label: l('Touches', '触达次数') },
  {
    key: 'first_touch_summary',
    type: 'long_text',
    label: l('First-touch summary', '首次接触摘要'),
  },
  { key: 'department', type: 'text', label: l('Department', '科室') },
];

/** A4: 240 min → rep, +30 min → supervisor, +60 min → director; stops on first contact + screening. */
export const goldenFourHours: FlowDefinition = {
  key: 'golden_4_hours',
  label: l('Golden 4 hours', '黄金4小时'),
  table: 'lead',
  trigger: { on: 'record.created' },
  nodes: [
    {
      id: 'ladder',
      type: 'escalation',
      until: 'record.first_contact_at != null && record.screening_done == true',
      levels: [
        {
          after: 'PT240M',
          to: 'owner',
          channel: 'inapp',
          title: l('First call overdue', '首呼超时'),
        },
        {
          after: 'PT30M',
          to: 'owner.manager',
          channel: 'webhook',
          title: l('Rep has not called', '销售未首呼'),
        },
        {
          after: 'PT60M',
          to: 'owner.manager.manager',
          channel: 'email',
          title: l('Lead untouched', '线索无人跟进'),
        },
      ],
    },
  ],
  edges: [],
};

/** A3: handover with the sender's obligations, 24 h acceptance, return to the market pool. */
export const handoverContract: FlowDefinition = {
  key: 'handover_contract',
  label: l('Handover contract', '线索移交协议'),
  table: 'lead',
  trigger: { on: 'record.created' },
  nodes: [
    {
      id: 'handover',
      type: 'handover',
      to: 'owner',
      senderMust: ['first_touch_summary', 'department'],
      acceptWithin: 'PT24H',
      onTimeout: 'pool:market',
      title: l('Accept this lead', '请确认接收线索'),
    },
    {
      id: 'second_touch',
      type: 'wait_until',
      condition: 'record.touch_count != null && record.touch_count >= 2',
      timeout: 'PT72H',
      from: 'first_contact_at',
    },
    { id: 'back_to_market', type: 'assign', to: 'pool:market' },
    { id: 'done', type: 'end' },
  ],
  edges: [
    { from: 'handover', to: 'second_touch', on: 'valid' },
    { from: 'handover', to: 'done', on: 'needs_info' },
    { from: 'handover', to: 'back_to_market', on: 'invalid' },
    { from: 'handover', to: 'done', on: 'timeout' },
    { from: 'second_touch', to: 'done', on: 'met' },
    { from: 'second_touch', to: 'back_to_market', on: 'timeout' },
  ],
};
