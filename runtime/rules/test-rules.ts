// Small definitions for the rules unit tests: the medical-device lead (PLAYBOOKS A1/A5) and the
// industrial-automation score card (B1).
import type { AppDefinition, TableDefinition } from '../definition/definition-schema';
import type { FieldDefinition } from '../definition/field-schema';
import { compileRulesOrThrow, type CompiledRules } from './compile-rules';
import type { RulesDefinition } from './rules-schema';

export const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

export const leadFields: FieldDefinition[] = [
  { key: 'name', type: 'text', label: l('Name', '姓名') },
  { key: 'phone', type: 'phone', label: l('Mobile', '手机号') },
  { key: 'organization', type: 'text', label: l('Organisation', '机构') },
  { key: 'email', type: 'email', label: l('E-mail', '邮箱') },
  { key: 'message', type: 'long_text', label: l('Message', '留言') },
  { key: 'notes', type: 'long_text', label: l('Notes', '备注') },
  {
    key: 'source',
    type: 'select',
    label: l('Channel', '来源渠道'),
    options: [
      { value: 'web_form', label: l('Web form', '官网H5表单') },
      { value: 'wecom', label: l('WeCom', '企业微信') },
      { value: 'douyin', label: l('Douyin', '抖音') },
      { value: 'sms', label: l('SMS', '短信网关') },
      { value: 'offline_qr', label: l('Trade-show QR', '线下扫码') },
    ],
  },
  { key: 'ip', type: 'text', label: l('IP address', 'IP 地址') },
  { key: 'province', type: 'text', label: l('Province', '省份') },
  {
    key: 'product_line',
    type: 'select',
    label: l('Product line', '产品线'),
    options: [
      { value: 'ortho', label: l('Orthopaedics', '骨科') },
      { value: 'neuro', label: l('Neurosurgery', '神外') },
      { value: 'rehab', label: l('Rehabilitation', '康复') },
    ],
  },
  { key: 'department', type: 'text', label: l('Department', '科室') },
  { key: 'tags', type: 'tags', label: l('Tags', '标签') },
  { key: 'returning_of', type: 'relation', table: 'lead', label: l('Returning of', '复访自') },
  {
    key: 'ethics_filing',
    type: 'attachments',
    accept: ['application/pdf', 'image/*'],
    label: l('Ethics filing', '伦理委员会备案'),
  },
  {
    key: 'hospital_seal_photo',
    type: 'attachments',
    accept: ['image/*'],
    label: l('Hospital seal photo', '医院红章照片'),
  },
];

export const leadTable: TableDefinition = {
  key: 'lead',
  label: l('Lead', '线索'),
  fields: leadFields,
  stages: ['new', 'contacted', 'ethics_filed', 'registered', 'paid'].map((key) => ({
    key,
    label: l(key, key),
  })),
};

/** The medical-device pack's rules (A1 intake hub, A5 ethics-filing gate). */
export const medicalDeviceRules: RulesDefinition = {
  normalize: [
    {
      table: 'lead',
      phone: { fields: ['phone'], defaultRegion: 'CN' },
      email: {},
      organization: {
        fields: ['organization'],
        stripSuffixes: ['股份有限公司', '有限责任公司', '有限公司', '(集团)'],
      },
    },
  ],
  dedupe: [
    {
      key: 'returning_lead',
      label: l('Returning lead', '复访线索'),
      table: 'lead',
      keys: ['phone', 'organization'],
      window: 'P30D',
      outcome: 'mark_returning',
      linkField: 'returning_of',
      tag: '复访线索',
      notify: 'original_owner',
    },
  ],
  tagging: [
    {
      key: 'imaging_keywords',
      kind: 'keywords',
      table: 'lead',
      fields: ['message', 'notes'],
      keywords: ['DR', 'CT'],
      tags: ['影像设备'],
    },
    {
      key: 'tertiary_hospital',
      kind: 'organization',
      table: 'lead',
      field: 'organization',
      list: 'tertiary_hospitals',
      tags: ['公立三级'],
    },
    {
      key: 'hospital_network',
      kind: 'cidr',
      table: 'lead',
      field: 'ip',
      ranges: ['10.20.0.0/16', '2001:db8:20::/48'],
      tags: ['院内网络'],
    },
    {
      key: 'douyin_ortho_ad',
      kind: 'channel',
      table: 'lead',
      field: 'source',
      channels: { douyin: ['抖音-骨科器械广告'] },
    },
    {
      key: 'ortho_implants',
      kind: 'cel',
      table: 'lead',
      when: 'record.product_line == "ortho" && contains_any(record.message, ["关节", "脊柱"])',
      tags: ['骨科-植入物'],
    },
  ],
  assignment: [
    {
      key: 'regional_reps',
      label: l('Region and product line', '按区域与产品线分配'),
      table: 'lead',
      entries: [
        {
          key: 'province_product_line',
          candidates:
            'user.region.province == record.province && record.product_line in user.product_lines',
          capacity: { metric: 'open_records', lessThan: 8, closedStages: ['paid'] },
          strategy: 'round_robin',
        },
      ],
      fallback: { pool: 'market', notify: 'role:supervisor' },
    },
  ],
  gates: [
    {
      key: 'ethics_evidence',
      label: l('Ethics filing evidence', '伦理委员会备案材料'),
      table: 'lead',
      to: 'ethics_filed',
      require: [
        {
          kind: 'attachment',
          field: 'ethics_filing',
          mime: 'application/pdf',
          min: 1,
          message: l('Ethics filing PDF scan missing', '缺少伦理委员会备案 PDF 扫描件'),
        },
        {
          kind: 'attachment',
          field: 'hospital_seal_photo',
          mime: 'image/*',
          min: 1,
          message: l('Hospital seal photo missing', '缺少医院红章照片'),
        },
        { kind: 'fields', fields: ['department'] },
        { kind: 'completed', what: 'follow_up', min: 3, label: l('follow-ups', '跟进') },
      ],
    },
  ],
};

export function medicalDeviceDefinition(
  rules: RulesDefinition = medicalDeviceRules,
): AppDefinition {
  return {
    formatVersion: 1,
    lists: {
      tertiary_hospitals: [
        {
          value: '北京协和医院',
          label: l('Peking Union Medical College Hospital', '北京协和医院'),
        },
        { value: '四川大学华西医院', label: l('West China Hospital', '四川大学华西医院') },
        { value: '复旦大学附属中山医院', label: l('Zhongshan Hospital', '复旦大学附属中山医院') },
      ],
    },
    tables: [leadTable],
    rules,
  };
}

export function medicalDeviceRulesCompiled(rules?: RulesDefinition): CompiledRules {
  return compileRulesOrThrow(medicalDeviceDefinition(rules));
}

/** B1: the five-dimension lead score card of the industrial-automation integrator. */
export const b1Rules: RulesDefinition = {
  scorecards: [
    {
      key: 'lead_health',
      label: l('Lead health', '线索健康度'),
      table: 'lead',
      field: 'score',
      bandField: 'score_band',
      rules: [
        {
          key: 'product_page_dwell',
          kind: 'event',
          label: l('Product page ≥ 3 min', '产品页停留 ≥ 3 分钟'),
          event: 'page_dwell',
          where: 'payload.page == "product" && payload.seconds >= 180',
          points: 2,
          count: 'once',
        },
        {
          key: 'whitepaper',
          kind: 'event',
          label: l('Whitepaper download', '下载白皮书'),
          event: 'download',
          where: 'payload.asset == "whitepaper"',
          points: 3,
          count: 'once',
        },
        {
          key: 'demo_booked',
          kind: 'event',
          label: l('Online demo booked', '预约在线演示'),
          event: 'demo_booked',
          points: 5,
          count: 'once',
        },
        {
          key: 'wechat_tech_question',
          kind: 'event',
          label: l('WeChat technical question', '微信咨询技术参数'),
          event: 'wechat_message',
          where: 'payload.topic == "tech_params"',
          points: 4,
          count: 'once',
        },
        {
          key: 'budget_reply',
          kind: 'event',
          label: l('E-mail reply about budget or timeline', '邮件回复含“预算”或“时间表”'),
          event: 'email_reply',
          where: 'contains_any(payload.text, ["预算", "时间表"])',
          points: 6,
          count: 'once',
        },
      ],
      bands: [
        { key: 'red', label: l('Cold', '红'), min: 0, color: '#e5484d' },
        { key: 'yellow', label: l('Warm', '黄'), min: 6, color: '#f5a524' },
        { key: 'green', label: l('Hot', '绿'), min: 10, color: '#30a46c' },
      ],
      thresholds: [
        {
          key: 'hot_lead',
          label: l('Hot lead', '热线索'),
          when: { reaches: 10 },
          actions: [{ notify: 'role:supervisor', include: 'last_events:3' }],
        },
      ],
    },
  ],
};

export const b1Table: TableDefinition = {
  key: 'lead',
  label: l('Lead', '线索'),
  fields: [
    { key: 'company', type: 'text', label: l('Company', '公司') },
    { key: 'score', type: 'number', label: l('Score', '评分') },
    {
      key: 'score_band',
      type: 'select',
      label: l('Band', '分段'),
      options: [
        { value: 'red', label: l('Red', '红') },
        { value: 'yellow', label: l('Yellow', '黄') },
        { value: 'green', label: l('Green', '绿') },
      ],
    },
  ],
};

export function b1Definition(rules: RulesDefinition = b1Rules): AppDefinition {
  return { formatVersion: 1, tables: [b1Table], rules };
}
