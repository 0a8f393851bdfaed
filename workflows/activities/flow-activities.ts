// Side effects of flow executions, each idempotent on the execution's key prefix and command key.
import { ApplicationFailure } from '@temporalio/activity';
import type { FlowCommand } from '../../runtime/flows/flow-types';
import type { Db } from '../../platform/db/database';
import type { Logger } from '../../platform/logger';
import { renderTemplate } from '../../platform/notifications/render-template';
import {
  sendNotification,
  type NotificationDeps,
} from '../../platform/notifications/send-notification';
import { resolveRecipients } from '../../platform/people/resolve-recipients';
import { commonFields, readableFieldsOf } from '../../platform/permissions/recipient-fields';
import { updateRecordAsFlow } from '../../platform/records/flow-record-writes';
import { getRecordOrThrow } from '../../platform/records/record-service';
import { resolveTable, type TableContext } from '../../platform/records/table-context';
import { isRecordlessStart, type FlowExecutionRef, type FlowStart } from '../flow-start';

export interface FlowActivityDeps {
  readonly db: Db;
  readonly notifications: Omit<NotificationDeps, 'db'>;
  readonly logger: Logger;
}

export interface CommandOutcome {
  readonly ok: boolean;
  readonly detail?: string;
}

/** Subject of a record's timeline entries. */
export function recordSubject(tableKey: string, recordId: string): string {
  return `record:${tableKey}/${recordId}`;
}

/**
 * Builds the flow activities around injected dependencies.
 * @example Worker.create({ activities: createFlowActivities({ db, notifications: {}, logger }), … })
 */
export function createFlowActivities({ db, notifications, logger }: FlowActivityDeps) {
  const key = (ref: FlowExecutionRef, command: FlowCommand) => `${ref.keyPrefix}:${command.key}`;

  async function timeline(
    ref: FlowExecutionRef,
    command: Extract<FlowCommand, { type: 'timeline' }>,
  ): Promise<void> {
    await db
      .insertInto('platform.timeline')
      .values({
        space_id: ref.spaceId,
        subject: recordSubject(ref.tableKey, ref.recordId),
        kind: command.kind,
        data: { flow: ref.flowKey, node: command.node, ...command.data },
        idempotency_key: key(ref, command),
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
  }

  async function notify(
    start: FlowStart,
    command: Extract<FlowCommand, { type: 'notify' }>,
  ): Promise<void> {
    const { context, record } = await currentRecord(start);
    const resolution = await resolveRecipients(db, start.spaceId, command.to, {
      ownerId: typeof record.owner === 'string' ? record.owner : null,
      province: typeof record.province === 'string' ? record.province : null,
    });
    if (resolution.recipients.length === 0) {
      await timeline(start, {
        type: 'timeline',
        key: `${command.key}-unresolved`,
        kind: 'notification.unresolved',
        node: command.node,
        data: { to: command.to, reason: resolution.reason },
      });
      return;
    }
    // Each recipient reads only what their roles show; a robot's group sees what all of them may.
    const readable = new Map<string, ReadonlySet<string>>();
    for (const user of resolution.recipients) {
      readable.set(user.id, await readableFieldsOf(db, context, record, user.id));
    }
    const textFor = (fields: ReadonlySet<string>) => {
      const render = (text: string) =>
        renderTemplate(text, record, 'zh-CN', { fields: start.fields, readable: fields });
      const title = render(command.title['zh-CN']);
      return { title, body: command.body ? render(command.body['zh-CN']) : title };
    };
    const shared = textFor(commonFields([...readable.values()]));
    const personal =
      command.channel === 'webhook'
        ? undefined
        : new Map([...readable].map(([userId, fields]) => [userId, textFor(fields)]));
    await sendNotification(
      { db, ...notifications, logger },
      {
        spaceId: start.spaceId,
        idempotencyKey: key(start, command),
        recipients: resolution.recipients.map((u) => u.id),
        channel: command.channel,
        ...shared,
        ...(personal && { personal }),
        tableKey: start.tableKey,
        recordId: start.recordId,
      },
    );
  }

  async function currentRecord(
    start: FlowStart,
  ): Promise<{ context: TableContext; record: Record<string, unknown> }> {
    const context = await resolveTable(db, start.spaceKey, start.tableKey);
    // A scheduled flow without a filter, or one a dashboard threshold started, runs for no stored
    // record (its id names the tick or the crossing).
    if (isRecordlessStart(start.recordId)) return { context, record: { ...start.record } };
    return { context, record: await getRecordOrThrow(db, context, start.recordId, true) };
  }

  return {
    /** Timeline entries, notifications, tasks and handover freezes, in order. */
    async applyFlowEffects(start: FlowStart, commands: readonly FlowCommand[]): Promise<void> {
      for (const command of commands) {
        switch (command.type) {
          case 'timeline':
            await timeline(start, command);
            break;
          case 'notify':
            await notify(start, command);
            break;
          case 'freeze':
            if (command.frozen) {
              await db
                .insertInto('platform.record_freezes')
                .values({
                  space_id: start.spaceId,
                  table_key: start.tableKey,
                  record_id: start.recordId,
                  flow_key: start.flowKey,
                  node: command.node,
                })
                .onConflict((oc) =>
                  oc.columns(['space_id', 'table_key', 'record_id', 'flow_key']).doNothing(),
                )
                .execute();
            } else {
              await db
                .deleteFrom('platform.record_freezes')
                .where('space_id', '=', start.spaceId)
                .where('table_key', '=', start.tableKey)
                .where('record_id', '=', start.recordId)
                .where('flow_key', '=', start.flowKey)
                .execute();
            }
            break;
          case 'task': {
            // The title keeps its {{record.*}} placeholders: the tasks route renders them for each
            // reader from the fields their roles show (everyone who reads the record sees its tasks).
            await db
              .insertInto('platform.tasks')
              .values({
                space_id: start.spaceId,
                table_key: start.tableKey,
                record_id: start.recordId,
                flow_key: start.flowKey,
                node: command.node,
                assignee: command.assignee,
                title: command.title,
                due_at: new Date(command.dueAt),
                idempotency_key: key(start, command),
              })
              .onConflict((oc) => oc.column('idempotency_key').doNothing())
              .execute();
            // Whoever the task is for learns of it in-app, once (the key follows the task's).
            await notify(start, {
              type: 'notify',
              key: `${command.key}/assigned`,
              node: command.node,
              to: command.assignee,
              channel: 'inapp',
              title: command.title,
              body: null,
            });
            break;
          }
          default:
            logger.warn('flow effect not applied here', { type: command.type });
        }
      }
    },

    /** An update or assignment through the record write path (rules, validation, audit, outbox). */
    async runFlowCommand(start: FlowStart, command: FlowCommand): Promise<CommandOutcome> {
      if (command.type === 'update') return updateRecordAsFlow(db, start, command.set);
      if (command.type === 'assign') {
        if (command.to.startsWith('pool:')) return updateRecordAsFlow(db, start, { owner: null });
        // `rules`: the table's assignment rules decide again, in the one write path (locks,
        // capacity, rotation state, pool notifications), audited as source `flow`.
        return updateRecordAsFlow(db, start, {}, { reassign: true });
      }
      throw ApplicationFailure.create({
        message: `not a record command: ${command.type}`,
        nonRetryable: true,
      });
    },

    /** An HTTP call with its own timeout and retries; the mapped response updates the record. */
    async runFlowHttp(start: FlowStart, command: FlowCommand): Promise<CommandOutcome> {
      if (command.type !== 'http')
        throw ApplicationFailure.create({ message: 'not an http command', nonRetryable: true });
      let lastError = '';
      for (let attempt = 0; attempt <= command.retries; attempt++) {
        try {
          const { record } = await currentRecord(start);
          const response = await fetch(command.url, {
            method: command.method,
            headers: { 'content-type': 'application/json', 'idempotency-key': key(start, command) },
            body:
              command.method === 'GET' || command.body === null
                ? undefined
                : renderTemplate(command.body, record, 'zh-CN', { fields: start.fields }),
            signal: AbortSignal.timeout(command.timeoutMs),
          });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const mapping = Object.entries(command.map);
          if (mapping.length === 0) return { ok: true };
          const json: unknown = await response.json();
          const set = Object.fromEntries(mapping.map(([field, path]) => [field, pick(json, path)]));
          return updateRecordAsFlow(db, start, set);
        } catch (error) {
          lastError = error instanceof Error ? error.message : String(error);
        }
      }
      return { ok: false, detail: lastError };
    },
  };
}

function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return null;
    current = (current as Record<string, unknown>)[part];
  }
  return current ?? null;
}
