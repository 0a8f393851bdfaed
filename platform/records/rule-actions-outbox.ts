// Hands what the rules decided to the worker through the outbox: notifications and flow starts.
import { randomUUID } from 'node:crypto';
import { ruleActionsWorkflowType, type RuleNotification } from '../../workflows/rule-actions';
import { outboxEventSignalName } from '../../workflows/shared';
import { enqueueOutbox, type OutboxMessage } from '../outbox/outbox-repository';
import { flowStartMessage } from './record-flows';
import type { Tx } from './record-repository';
import type { RecordJson } from './record-values';
import type { RuleOutcome } from './rule-pipeline';
import type { TableContext } from './table-context';

/**
 * Writes the outbox entries for a write's rule outcome: threshold notifications (with the last
 * behaviours when asked), the returning-lead notice to the original owner, the pool's supervisor
 * notice, and flows a threshold starts.
 */
export async function enqueueRuleActions(
  tx: Tx,
  context: TableContext,
  record: RecordJson,
  outcome: RuleOutcome,
): Promise<void> {
  for (const message of ruleActionMessages(context, record, outcome)) {
    await enqueueOutbox(tx, message);
  }
}

/**
 * The outbox entries for a write's rule outcome, in the order they are enqueued (flow starts
 * first, then one entry with every notification). Imports insert them for a batch at once.
 */
export function ruleActionMessages(
  context: TableContext,
  record: RecordJson,
  outcome: Pick<RuleOutcome, 'dedupe' | 'firings' | 'assignment'>,
): OutboxMessage[] {
  const messages: OutboxMessage[] = [];
  // Rendered per recipient when delivered: someone whose role hides the name reads "***".
  const name = context.fields.has('name') ? '{{record.name}}' : String(record.id);
  const notifications: RuleNotification[] = [];
  for (const firing of outcome.firings) {
    if ('startFlow' in firing.action) {
      const start = flowStartMessage(context, firing.action.startFlow, record);
      if (start) messages.push(start);
      continue;
    }
    const behaviours = firing.events.map((e) => `${e.label['zh-CN']}（${e.at}）`).join('；');
    const behavioursEn = firing.events.map((e) => `${e.label.en} (${e.at})`).join('; ');
    notifications.push({
      to: firing.action.notify,
      title: firing.action.message ?? {
        'zh-CN': `线索「${name}」达到阈值 ${firing.threshold}`,
        en: `Lead "${name}" reached ${firing.threshold}`,
      },
      body: {
        'zh-CN': behaviours ? `最近行为：${behaviours}` : `评分卡 ${firing.card}`,
        en: behavioursEn ? `Latest behaviours: ${behavioursEn}` : `Scorecard ${firing.card}`,
      },
    });
  }
  const dedupe = outcome.dedupe;
  if ((dedupe.kind === 'returning' || dedupe.kind === 'flagged') && dedupe.notify) {
    notifications.push({
      to: dedupe.notify === 'original_owner' ? 'owner' : dedupe.notify,
      title: { 'zh-CN': `复访线索：${name}`, en: `Returning lead: ${name}` },
      body: {
        'zh-CN': `与 30 天内的线索重复，已分配给原负责人`,
        en: 'Matches a recent lead; routed to its original owner',
      },
    });
  }
  if (outcome.assignment?.kind === 'pool' && outcome.assignment.notify) {
    notifications.push({
      to: outcome.assignment.notify,
      title: {
        'zh-CN': `线索「${name}」进入 ${outcome.assignment.pool} 池`,
        en: `Lead "${name}" went to the ${outcome.assignment.pool} pool`,
      },
      body: outcome.assignment.reason,
    });
  }
  if (notifications.length === 0) return messages;
  const keyPrefix = `rules/${context.space.key}/${String(record.id)}/${randomUUID()}`;
  messages.push({
    topic: 'rules.actions',
    workflowType: ruleActionsWorkflowType,
    workflowId: keyPrefix,
    signalName: outboxEventSignalName,
    payload: {},
    workflowArgs: [
      {
        spaceId: context.space.id,
        tableKey: context.table.key,
        recordId: String(record.id),
        ownerId: typeof record.owner === 'string' ? record.owner : null,
        province: typeof record.province === 'string' ? record.province : null,
        keyPrefix,
        notifications,
      },
    ],
  });
  return messages;
}
