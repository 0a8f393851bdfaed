// The flow benchmark's space: a rep, their manager and director, and four tables with one flow each.
import type { Db } from '../../platform/db/database';
import type { FlowDefinition } from '../../runtime/flows/flow-schema';

export const spaceKey = 'bench';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const fields = [
  { key: 'name', type: 'text', label: l('Name', '姓名') },
  { key: 'first_contact_at', type: 'datetime', label: l('First contact', '首次联系') },
  { key: 'screening_done', type: 'boolean', label: l('Screening form', '需求初筛表') },
  { key: 'due_at', type: 'datetime', label: l('Due', '到期') },
];

/** The golden-4-hours ladder: its first level is far away, so only the start is measured. */
const ladder = (key: string, table: string): FlowDefinition => ({
  key,
  label: l('Golden 4 hours', '黄金4小时'),
  table,
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
          after: 'PT60M',
          to: 'owner.manager',
          channel: 'inapp',
          title: l('Rep has not called', '销售未首呼'),
        },
      ],
    },
  ],
  edges: [],
});

/** Waits until the record's `due_at`: every execution of a batch shares one due instant. */
const dueWait = (key: string, table: string): FlowDefinition => ({
  key,
  label: l('Wait until due', '等待到期'),
  table,
  trigger: { on: 'record.created' },
  nodes: [
    {
      id: 'due',
      type: 'wait_until',
      condition: 'record.screening_done == true',
      timeout: 'PT0S',
      from: 'due_at',
    },
    { id: 'done', type: 'end' },
  ],
  edges: [
    { from: 'due', to: 'done', on: 'met' },
    { from: 'due', to: 'done', on: 'timeout' },
  ],
});

/** Which table and flow each measurement uses; `baseline` ones are delivered to the baseline worker. */
export const benchTables = {
  interpreterStarts: { table: 'lead', flow: 'golden_4_hours' },
  baselineStarts: { table: 'plain_lead', flow: 'plain_4_hours' },
  interpreterTimers: { table: 'timer_lead', flow: 'due_wait' },
  baselineTimers: { table: 'plain_timer_lead', flow: 'plain_due_wait' },
} as const;

export function benchDefinition() {
  const t = benchTables;
  return {
    formatVersion: 1,
    tables: Object.values(t).map(({ table }) => ({ key: table, label: l(table, table), fields })),
    flows: [
      ladder(t.interpreterStarts.flow, t.interpreterStarts.table),
      ladder(t.baselineStarts.flow, t.baselineStarts.table),
      dueWait(t.interpreterTimers.flow, t.interpreterTimers.table),
      dueWait(t.baselineTimers.flow, t.baselineTimers.table),
    ],
  };
}

/** Inserts the reporting line rep → supervisor → director as members; returns the rep's id. */
export async function insertPeople(db: Db, spaceId: string): Promise<string> {
  let manager: string | null = null;
  for (const [email, name] of [
    ['director@example.cn', '王总监'],
    ['supervisor@example.cn', '李主管'],
    ['rep@example.cn', '张销售'],
  ] as const) {
    const { id } = await db
      .insertInto('platform.users')
      .values({ email, display_name: name, manager_id: manager, attributes: {} })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('platform.space_members')
      .values({ space_id: spaceId, user_id: id, roles: ['rep'] })
      .execute();
    manager = id;
  }
  return manager!;
}
