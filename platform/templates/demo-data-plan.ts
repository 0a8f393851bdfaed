// Deterministic zh-CN demo leads for a medical-device lead table: hospitals of the demo reps' regions,
// every stage with the evidence its gates ask for, some fresh leads nobody has called yet.
import type { AppDefinition, TableDefinition } from '../../runtime/definition/definition-schema';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { optionsOf } from '../../runtime/definition/resolve-options';
import type { DemoUser } from '../../runtime/templates/template-schema';

/** A file to upload and attach: a small PDF or PNG named after what it shows. */
export interface DemoAttachment {
  readonly name: string;
  readonly kind: 'pdf' | 'png';
}

export interface DemoLead {
  /** Unique per lead and stable across runs: how a restart recognises leads already created. */
  readonly phone: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly attachments: Readonly<Record<string, readonly DemoAttachment[]>>;
  /** Null: the table's first stage or none; the lead is created in this stage. */
  readonly stage: string | null;
  /** A lead with a first call and screening done: its first-response escalation ends at once. */
  readonly contacted: boolean;
}

export interface DemoPlanOptions {
  readonly seed?: number;
  /** Leads per stage beyond the first; the first stage gets twice as many. */
  readonly perStage?: number;
  /** The clock the plan's dates are relative to. */
  readonly now?: Date;
}

const extraHospitals: Readonly<Record<string, readonly string[]>> = {
  浙江: [
    '杭州市第一人民医院',
    '绍兴市人民医院',
    '湖州市中心医院',
    '嘉兴市第二医院',
    '义乌市中心医院',
  ],
  江苏: [
    '无锡市人民医院',
    '常州市第一人民医院',
    '南通大学附属医院',
    '扬州市苏北人民医院',
    '昆山市第一人民医院',
  ],
  上海: ['上海市第十人民医院', '上海市浦东医院', '上海市闵行区中心医院', '上海市嘉定区中心医院'],
};
const factories: Readonly<Record<string, readonly string[]>> = {
  江苏: [
    '苏州精工机械有限公司',
    '无锡恒达汽车零部件有限公司',
    '常州新锐电机有限公司',
    '南通海工装备有限公司',
  ],
  浙江: [
    '宁波甬兴注塑机械有限公司',
    '杭州中科包装设备有限公司',
    '温州瑞安阀门有限公司',
    '嘉兴华力纺织有限公司',
  ],
  广东: [
    '东莞精密五金制品有限公司',
    '佛山顺德家电配件有限公司',
    '深圳智创电子有限公司',
    '中山鸿图压铸有限公司',
  ],
  上海: ['上海浦江自动化设备有限公司', '上海嘉定汽配制造有限公司'],
};
const surnames =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const titles = ['主任', '科长', '处长', '副院长', '医生', '护士长', '工程师'];
const messages = [
  '科室想更新一台 DR，请发型号对比表',
  '现有 CT 老化严重，想了解新机型和维保方案',
  '骨科需要采购一批手术器械，请尽快报价',
  '康复科计划新建训练区，想看康复设备清单',
  '神外手术导航设备想预约现场演示',
  '耗材成本太高，想了解替代方案',
  '设备售后响应慢，想换供应商',
  '医院明年预算里有 MRI，想提前沟通',
];
const memos = [
  '主任关注价格和三年维保，下周预算会',
  '需要操作培训，护士长希望现场演示',
  '关注交期和安装，年底前必须到货',
  '采购流程复杂，设备科要走院内论证',
  '耗材价格是关键，财务处长参与评估',
];
const summaries = [
  '展会扫码后电话沟通，确认有采购意向，已发产品资料',
  '官网留资，回访确认科室与预算区间',
  '企业微信咨询，已约设备科主任面谈',
  '抖音广告线索，已初步了解设备使用现状',
];

/**
 * The demo leads for `table`, the same for the same seed: at least `perStage × 2` leads in the
 * first stage (half of them never contacted, so their first-response escalation is running) and
 * `perStage` in every later stage, each carrying what the stage gates require. Regions and product
 * lines follow the demo reps, so assignment finds an owner for most of them.
 * @example planDemoLeads(definition, 'lead', template.demoUsers, { seed: 42 })
 */
export function planDemoLeads(
  definition: AppDefinition,
  tableKey: string,
  users: readonly DemoUser[],
  options: DemoPlanOptions = {},
): DemoLead[] {
  const table = definition.tables.find((t) => t.key === tableKey);
  if (!table) return [];
  const random = mulberry32(options.seed ?? 20_260_418);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const now = options.now ?? new Date();
  const perStage = options.perStage ?? 4;
  const fields = new Map(table.fields.map((f) => [f.key, f]));
  const has = (key: string) => fields.has(key);
  const optionValues = (key: string) => {
    const field = fields.get(key);
    return field ? optionsOf(field, definition.lists).map((o) => o.value) : [];
  };
  const reps = users.filter((u) => u.roles.includes('rep') && u.province);
  const people = reps.length > 0 ? reps : [{ province: '浙江', city: '杭州', productLines: [] }];
  const tertiary = (definition.lists?.tertiary_hospitals ?? []).map((o) => o.value);
  const stages = (table.stages ?? []).map((s) => s.key);
  const slots: Array<string | null> = stages.length === 0 ? [null] : stages;
  const evidence = evidenceByStage(definition, table);

  const leads: DemoLead[] = [];
  slots.forEach((stage, stageIndex) => {
    const count = stageIndex === 0 ? perStage * 2 : perStage;
    for (let i = 0; i < count; i++) {
      const n = leads.length;
      const rep = people[n % people.length]!;
      const province = rep.province ?? '浙江';
      // Hospitals for a pack that lists them, factories otherwise.
      const places =
        tertiary.length > 0
          ? [
              ...tertiary.filter((h) => regionOf(h) === province),
              ...(extraHospitals[province] ?? []),
            ]
          : (factories[province] ?? Object.values(factories).flat());
      const organization = pick(places.length > 0 ? places : tertiary);
      const lines = optionValues('product_line');
      const line = rep.productLines.find((p) => lines.includes(p)) ?? lines[0];
      // Fresh leads alternate between called and not called; later stages were all called.
      const contacted = stageIndex > 0 || i % 2 === 1;
      const name = `${pick([...surnames])}${pick(titles)}`;
      const phone = `+86139${String(20_260_000 + n * 37 + Math.floor(random() * 30)).padStart(8, '0')}`;
      const hoursAgo = contacted ? 24 * (stageIndex * 6 + 1 + Math.floor(random() * 5)) : 0;
      const createdAt = new Date(now.getTime() - hoursAgo * 3600_000);
      const values: Record<string, unknown> = {};
      const set = (key: string, value: unknown) => {
        if (has(key) && value !== undefined) values[key] = value;
      };
      set('name', name);
      set('contact_name', name);
      set('company', organization);
      set('phone', phone.replace('+86', ''));
      set('organization', organization);
      set('message', pick(messages));
      set('source', pick(optionValues('source')));
      set('province', optionValues('province').includes(province) ? province : undefined);
      set('city', cityOf(organization) ?? rep.city ?? undefined);
      set('product_line', line);
      // The market side's handover terms, filled on most leads.
      if (contacted || i % 4 !== 0) {
        set('department', pick(optionValues('department')));
        set('equipment_type', pick(optionValues('equipment_type')));
        set('annual_purchase_band', pick(optionValues('annual_purchase_band')));
        set('credibility', pick(optionValues('credibility')));
        set('first_touch_summary', pick(summaries));
      }
      if (contacted) {
        set('first_contact_at', createdAt.toISOString());
        set('screening_done', true);
        set('touch_count', 1 + stageIndex + Math.floor(random() * 3));
        set('pain_point', pick(optionValues('pain_point')));
        const roles = optionValues('decision_roles');
        set(
          'decision_roles',
          roles.length >= 3 ? shuffled(roles, random).slice(0, 2 + (n % 2)) : roles,
        );
        set('next_action', pick(optionValues('next_action')));
        const due = new Date(now.getTime() + (1 + (n % 10)) * 86_400_000);
        set('next_action_due', due.toISOString().slice(0, 10));
        set('memo', pick(memos));
      }
      const attachments: Record<string, DemoAttachment[]> = {};
      for (const need of evidence.slice(0, stageIndex + 1).flat()) {
        const field = fields.get(need.field);
        if (!field) continue;
        if (need.kind === 'value') {
          if (values[need.field] === undefined)
            set(need.field, valueFor(field, definition, organization, n, now));
          continue;
        }
        attachments[need.field] = [
          { name: `${field.label['zh-CN']}-${organization}.${need.as}`, kind: need.as },
        ];
      }
      leads.push({
        phone,
        values,
        attachments,
        stage: stages.length === 0 ? null : (stage as string),
        contacted,
      });
    }
  });
  return leads;
}

type Need =
  | { readonly kind: 'value'; readonly field: string }
  | { readonly kind: 'file'; readonly field: string; readonly as: 'pdf' | 'png' };

/** Per stage (in table order), what its gates require: files to attach and fields to fill. */
function evidenceByStage(definition: AppDefinition, table: TableDefinition): Need[][] {
  const gates = (definition.rules?.gates ?? []).filter((g) => g.table === table.key);
  return (table.stages ?? []).map((stage) =>
    gates
      .filter((g) => g.to === stage.key)
      .flatMap((g) => g.require)
      .flatMap((r): Need[] => {
        if (r.kind === 'fields') return r.fields.map((field) => ({ kind: 'value', field }));
        if (r.kind !== 'attachment') return [];
        const accept = table.fields.find((f) => f.key === r.field);
        const accepts = (mime: string) =>
          accept?.type !== 'attachments' ||
          !accept.accept ||
          accept.accept.some(
            (a) => a === mime || (a.endsWith('/*') && mime.startsWith(a.slice(0, -1))),
          );
        const wantsImage = r.mime?.startsWith('image/') ?? !accepts('application/pdf');
        return [
          {
            kind: 'file',
            field: r.field,
            as: wantsImage || !accepts('application/pdf') ? 'png' : 'pdf',
          },
        ];
      }),
  );
}

/** A plausible value for a field a gate requires, by type. */
function valueFor(
  field: FieldDefinition,
  definition: AppDefinition,
  organization: string,
  n: number,
  now: Date,
): unknown {
  const options = optionsOf(field, definition.lists).map((o) => o.value);
  switch (field.type) {
    case 'money':
    case 'number':
    case 'integer':
      return 380_000 + ((n * 7919) % 40) * 25_000;
    case 'boolean':
      return true;
    case 'date':
      return new Date(now.getTime() - 7 * 86_400_000).toISOString().slice(0, 10);
    case 'datetime':
      return new Date(now.getTime() - 7 * 86_400_000).toISOString();
    case 'select':
      return options[0];
    case 'multi_select':
      return options.slice(0, 1);
    default:
      if (/filing_no/.test(field.key))
        return `${regionOf(organization) === '江苏' ? '苏' : regionOf(organization) === '上海' ? '沪' : '浙'}卫备〔2026〕${String(1000 + n).padStart(5, '0')}号`;
      return `${field.label['zh-CN']}：已与${organization}确认`;
  }
}

const cities = [
  '杭州',
  '宁波',
  '温州',
  '绍兴',
  '湖州',
  '嘉兴',
  '义乌',
  '南京',
  '苏州',
  '无锡',
  '常州',
  '南通',
  '扬州',
  '昆山',
  '上海',
  '东莞',
  '佛山',
  '深圳',
  '中山',
];
/** Where an organisation is: a city its name contains, or the seat of the university or province it names. */
function cityOf(organization: string): string | undefined {
  const seats: ReadonlyArray<readonly [string, string]> = [
    ['浙江', '杭州'],
    ['江苏', '南京'],
    ['东南大学', '南京'],
    ['复旦', '上海'],
    ['北京', '北京'],
    ['四川', '成都'],
  ];
  // Seats first: 复旦大学附属中山医院 is in 上海, not in 中山.
  return (
    seats.find(([prefix]) => organization.startsWith(prefix))?.[1] ??
    cities.find((c) => organization.includes(c))
  );
}

/** The province a hospital's name starts with, when it names one we know. */
function regionOf(hospital: string): string | undefined {
  const cities: Readonly<Record<string, string>> = {
    浙江: '浙江',
    宁波: '浙江',
    温州: '浙江',
    杭州: '浙江',
    江苏: '江苏',
    南京: '江苏',
    东南: '江苏',
    苏州: '江苏',
    复旦: '上海',
    上海: '上海',
  };
  return Object.entries(cities).find(([prefix]) => hospital.startsWith(prefix))?.[1];
}

function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** A small seeded generator (mulberry32): the same seed gives the same demo data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
