// The benchmark's lead table (30 fields) and company table, random API bodies and the bulk-fill SQL.
import { quoteIdentifier as q } from '../../runtime/identifiers';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const options = (pairs: ReadonlyArray<readonly [string, string]>) =>
  pairs.map(([value, zh]) => ({ value, label: l(value, zh) }));

export const provinces = [
  'zhejiang',
  'jiangsu',
  'guangdong',
  'shandong',
  'henan',
  'sichuan',
  'hubei',
  'hunan',
  'fujian',
  'anhui',
  'beijing',
  'shanghai',
] as const;
const provinceZh = ['浙江', '江苏', '广东', '山东', '河南', '四川', '湖北', '湖南', '福建', '安徽'];
const departments = ['radiology', 'cardiology', 'surgery', 'icu', 'lab', 'equipment'] as const;
const roles = ['equipment_head', 'finance_head', 'president', 'director', 'nurse_lead'] as const;
const sources = ['douyin', 'baidu', 'wechat', 'exhibition', 'referral', 'website'] as const;
const products = ['ct', 'mri', 'ultrasound', 'xray', 'monitor', 'ventilator'] as const;
const priorities = ['p1', 'p2', 'p3'] as const;
const levels = ['grade3a', 'grade3b', 'grade2a', 'grade2b', 'clinic'] as const;
const lostReasons = ['price', 'competitor', 'no_budget', 'timing', 'unreachable'] as const;
const tagPool = ['影像设备', '重点客户', '招标中', '展会', '老客户', '转介绍', '预算已批'] as const;
const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙'] as const;
const givenNames = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '磊',
  '洋',
  '勇',
  '艳',
  '杰',
  '涛',
  '明',
] as const;
const cities = ['杭州', '南京', '广州', '济南', '郑州', '成都', '武汉', '长沙', '福州', '合肥'];
const stages = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] as const;

/** The lead table's 30 designed fields; `indexed` ones get a partial b-tree at publish. */
const leadFields = [
  { key: 'name', type: 'text', required: true, maxLength: 100, label: l('Name', '姓名') },
  { key: 'phone', type: 'phone', indexed: true, label: l('Mobile', '手机号') },
  { key: 'email', type: 'email', label: l('E-mail', '邮箱') },
  {
    key: 'province',
    type: 'select',
    indexed: true,
    label: l('Province', '省份'),
    options: provinces.map((p, i) => ({ value: p, label: l(p, provinceZh[i] ?? p) })),
  },
  { key: 'city', type: 'text', label: l('City', '城市') },
  {
    key: 'company',
    type: 'relation',
    table: 'company',
    reverseKey: 'leads',
    label: l('Hospital', '医院'),
  },
  { key: 'job_title', type: 'text', label: l('Job title', '职务') },
  {
    key: 'department',
    type: 'select',
    options: options(departments.map((d) => [d, d])),
    label: l('Department', '科室'),
  },
  {
    key: 'roles',
    type: 'multi_select',
    options: { list: 'decision_roles' },
    label: l('Decision roles', '决策链角色'),
  },
  { key: 'tags', type: 'tags', label: l('Tags', '标签') },
  {
    key: 'source',
    type: 'select',
    options: options(sources.map((s) => [s, s])),
    label: l('Source', '来源'),
  },
  { key: 'budget', type: 'money', currency: 'CNY', min: 0, label: l('Budget', '预算') },
  { key: 'bed_count', type: 'integer', min: 0, label: l('Beds', '床位数') },
  { key: 'score', type: 'integer', indexed: true, min: 0, max: 100, label: l('Score', '评分') },
  { key: 'first_contact_at', type: 'datetime', label: l('First contact', '首次联系') },
  {
    key: 'next_follow_up',
    type: 'date',
    indexed: true,
    label: l('Next follow-up', '下次跟进'),
  },
  { key: 'visit_date', type: 'date', label: l('Visit date', '拜访日期') },
  { key: 'key_account', type: 'boolean', label: l('Key account', '重点客户') },
  { key: 'consent', type: 'boolean', default: false, label: l('Consent', '同意联系') },
  { key: 'notes', type: 'long_text', label: l('Notes', '备注') },
  { key: 'address', type: 'text', label: l('Address', '地址') },
  { key: 'wechat', type: 'text', label: l('WeChat', '微信号') },
  { key: 'website', type: 'url', label: l('Website', '网站') },
  {
    key: 'products',
    type: 'multi_select',
    options: options(products.map((p) => [p, p])),
    label: l('Products', '意向产品'),
  },
  {
    key: 'priority',
    type: 'select',
    options: options(priorities.map((p) => [p, p])),
    label: l('Priority', '优先级'),
  },
  { key: 'expected_close', type: 'date', label: l('Expected close', '预计成交') },
  { key: 'deal_amount', type: 'money', currency: 'CNY', label: l('Deal amount', '成交金额') },
  { key: 'last_activity_at', type: 'datetime', label: l('Last activity', '最近活动') },
  {
    key: 'hospital_level',
    type: 'select',
    options: options(levels.map((v) => [v, v])),
    label: l('Hospital level', '医院等级'),
  },
  {
    key: 'lost_reason',
    type: 'select',
    options: options(lostReasons.map((v) => [v, v])),
    label: l('Lost reason', '丢单原因'),
  },
] as const;

/** The definition published before the benchmark: a small company table and the lead table. */
export const benchDefinition = {
  formatVersion: 1,
  lists: { decision_roles: options(roles.map((r) => [r, r])) },
  tables: [
    {
      key: 'company',
      label: l('Hospital', '医院'),
      titleField: 'name',
      fields: [
        { key: 'name', type: 'text', required: true, unique: true, label: l('Name', '名称') },
        { key: 'city', type: 'text', label: l('City', '城市') },
      ],
    },
    {
      key: 'lead',
      label: l('Lead', '线索'),
      titleField: 'name',
      stages: stages.map((s) => ({ key: s, label: l(s, s) })),
      fields: leadFields,
    },
  ],
};

export const leadFieldCount = leadFields.length;

/** The definition with `field` appended to the lead table. */
export function withLeadField(
  definition: typeof benchDefinition,
  field: Record<string, unknown>,
): typeof benchDefinition {
  const copy = structuredClone(definition) as { tables: Array<{ key: string; fields: unknown[] }> };
  copy.tables.find((t) => t.key === 'lead')!.fields.push(field);
  return copy as unknown as typeof benchDefinition;
}

/** A small seeded PRNG (mulberry32), so every run sends the same bodies. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A realistic create body: most fields filled, some left empty, as a sales assistant would. */
export function leadBody(random: () => number, companyIds: readonly string[], n: number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const some = <T>(list: readonly T[], max: number): T[] => [
    ...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(list))),
  ];
  const day = (offsetDays: number) =>
    new Date(Date.UTC(2026, 0, 1) + offsetDays * 86_400_000).toISOString().slice(0, 10);
  const name = pick(surnames) + pick(givenNames) + (random() < 0.5 ? pick(givenNames) : '');
  const body: Record<string, unknown> = {
    name,
    phone: `+86 1${String(3_000_000_000 + Math.floor(random() * 6_999_999_999))}`,
    email: `lead${n}@example.cn`,
    province: pick(provinces),
    city: pick(cities),
    company: pick(companyIds),
    job_title: pick(['设备科主任', '院长', '采购专员', '科室主任', '财务处长']),
    department: pick(departments),
    roles: some(roles, 3),
    tags: some(tagPool, 3),
    source: pick(sources),
    budget: Math.round(random() * 5_000_000_00) / 100,
    bed_count: Math.floor(random() * 3000),
    score: Math.floor(random() * 101),
    first_contact_at: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 3e10)).toISOString(),
    next_follow_up: day(Math.floor(random() * 365)),
    key_account: random() < 0.2,
    notes: `${name}，${pick(cities)}，关注${pick(products)}，预算待确认。第 ${n} 条线索的跟进记录。`,
    wechat: `wx_${Math.floor(random() * 1e9).toString(36)}`,
    products: some(products, 2),
    priority: pick(priorities),
    hospital_level: pick(levels),
    stage: 'new',
  };
  if (random() < 0.5) body.visit_date = day(Math.floor(random() * 365));
  if (random() < 0.5) body.address = `${pick(cities)}市${Math.floor(random() * 900)}号`;
  if (random() < 0.3) body.website = `https://h${Math.floor(random() * 1e6)}.example.cn`;
  if (random() < 0.3) body.expected_close = day(Math.floor(random() * 365));
  if (random() < 0.1) body.deal_amount = Math.round(random() * 1e8) / 100;
  if (random() < 0.6) body.last_activity_at = new Date(Date.UTC(2026, 3, 1)).toISOString();
  return body;
}

const sqlList = (values: readonly string[]) =>
  `array[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')}]`;
const pickSql = (values: readonly string[]) =>
  `(${sqlList(values)})[1 + floor(random() * ${values.length})::int]`;
/** One or two distinct elements of a list, as a text[]; `r` is a per-row random in [0, 1). */
const someSql = (values: readonly string[], r: string) => {
  const k = `floor(${r} * ${values.length})::int`;
  const list = sqlList(values);
  return `case when ${r} * 7 - floor(${r} * 7) < 0.5 then array[(${list})[1 + ${k}]] else array[(${list})[1 + ${k}], (${list})[1 + (${k} + 1) % ${values.length}]] end`;
};

/**
 * `insert … select generate_series` filling `count` lead rows after row `from`: spread over two years
 * of created_at, 1% soft-deleted, every field with values of its own shape. `$1` is the company ids.
 */
export function fillLeadSql(ref: string, from: number, count: number, owners: number): string {
  const columns: Record<string, string> = {
    created_at: `ts`,
    updated_at: `ts`,
    owner: `('00000000-0000-4000-8000-' || lpad((1 + floor(random() * ${owners}))::text, 12, '0'))::uuid`,
    stage: pickSql(stages),
    deleted_at: `case when random() < 0.01 then ts + interval '1 day' end`,
    name: `${pickSql(surnames)} || ${pickSql(givenNames)} || case when random() < 0.5 then ${pickSql(givenNames)} else '' end`,
    phone: `'+86 1' || (3000000000 + floor(random() * 6999999999)::bigint)::text`,
    email: `'lead' || i || '@example.cn'`,
    province: pickSql(provinces),
    city: pickSql(cities),
    company: `($1::uuid[])[1 + floor(random() * cardinality($1::uuid[]))::int]`,
    job_title: pickSql(['设备科主任', '院长', '采购专员', '科室主任', '财务处长']),
    department: pickSql(departments),
    roles: someSql(roles, 'r1'),
    tags: someSql(tagPool, 'r2'),
    source: pickSql(sources),
    budget: `round((random() * 5000000)::numeric, 2)`,
    bed_count: `floor(random() * 3000)::bigint`,
    score: `floor(random() * 101)::bigint`,
    first_contact_at: `ts + random() * interval '30 days'`,
    next_follow_up: `(date '2026-01-01' + floor(random() * 365)::int)`,
    visit_date: `case when random() < 0.5 then date '2026-01-01' + floor(random() * 365)::int end`,
    key_account: `random() < 0.2`,
    consent: `random() < 0.7`,
    notes: `'第 ' || i || ' 条线索：关注' || ${pickSql(products)} || '，预算待确认，下周回访。'`,
    address: `case when random() < 0.5 then ${pickSql(cities)} || '市' || floor(random() * 900)::int || '号' end`,
    wechat: `'wx_' || to_hex(floor(random() * 1e9)::bigint)`,
    website: `case when random() < 0.3 then 'https://h' || i || '.example.cn' end`,
    products: someSql(products, 'r3'),
    priority: pickSql(priorities),
    expected_close: `case when random() < 0.3 then date '2026-01-01' + floor(random() * 365)::int end`,
    deal_amount: `case when random() < 0.1 then round((random() * 1000000)::numeric, 2) end`,
    last_activity_at: `case when random() < 0.6 then ts + random() * interval '60 days' end`,
    hospital_level: pickSql(levels),
    lost_reason: `case when random() < 0.1 then ${pickSql(lostReasons)} end`,
  };
  const names = Object.keys(columns);
  return `insert into ${ref} (${names.map(q).join(', ')})
    select ${names.map((n) => columns[n]).join(',\n      ')}
    from (select i, now() - random() * interval '730 days' as ts, random() as r1, random() as r2, random() as r3
          from generate_series(${from + 1}, ${from + count}) i) s`;
}
