// Delivers rule notifications (score thresholds, returning leads, pool notices), idempotently per
// write, each recipient reading only the record fields their roles show.
import type { Db } from '../../platform/db/database';
import { NotFoundError } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { renderTemplate } from '../../platform/notifications/render-template';
import {
  sendNotification,
  type NotificationDeps,
} from '../../platform/notifications/send-notification';
import { resolveRecipients } from '../../platform/people/resolve-recipients';
import { readableFieldsOf } from '../../platform/permissions/recipient-fields';
import { getRecordOrThrow } from '../../platform/records/record-service';
import type { RecordJson } from '../../platform/records/record-values';
import { resolveTable, type TableContext } from '../../platform/records/table-context';
import type { RuleActions } from '../rule-actions';

export interface RuleActivityDeps {
  readonly db: Db;
  readonly notifications: Omit<NotificationDeps, 'db'>;
  readonly logger: Logger;
}

/**
 * @example Worker.create({ activities: createRuleActivities({ db, notifications: {}, logger }), … })
 */
export function createRuleActivities({ db, notifications, logger }: RuleActivityDeps) {
  /** The record the notices are about, as stored now; null once it is gone. */
  async function subjectOf(
    actions: RuleActions,
  ): Promise<{ context: TableContext; record: RecordJson } | null> {
    const space = await db
      .selectFrom('platform.spaces')
      .select('key')
      .where('id', '=', actions.spaceId)
      .executeTakeFirst();
    if (!space) return null;
    try {
      const context = await resolveTable(db, space.key, actions.tableKey);
      return { context, record: await getRecordOrThrow(db, context, actions.recordId, true) };
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  return {
    async runRuleNotifications(actions: RuleActions): Promise<void> {
      const subject = actions.notifications.length > 0 ? await subjectOf(actions) : null;
      for (const [index, notification] of actions.notifications.entries()) {
        const resolution = await resolveRecipients(db, actions.spaceId, notification.to, {
          ownerId: actions.ownerId,
          province: actions.province,
        });
        if (resolution.recipients.length === 0) {
          logger.warn('rule notification has no recipient', {
            to: notification.to,
            reason: resolution.reason,
          });
          continue;
        }
        const personal = new Map<string, { title: string; body: string }>();
        for (const user of resolution.recipients) {
          const readable = subject
            ? await readableFieldsOf(db, subject.context, subject.record, user.id)
            : new Set<string>();
          const render = (text: string) =>
            renderTemplate(text, subject?.record ?? {}, 'zh-CN', {
              fields: subject?.context.table.fields,
              readable,
            });
          personal.set(user.id, {
            title: render(notification.title['zh-CN']),
            body: render(notification.body['zh-CN']),
          });
        }
        const [first] = personal.values();
        await sendNotification(
          { db, ...notifications, logger },
          {
            spaceId: actions.spaceId,
            idempotencyKey: `${actions.keyPrefix}:${index}`,
            recipients: resolution.recipients.map((u) => u.id),
            channel: 'inapp',
            title: first!.title,
            body: first!.body,
            personal,
            tableKey: actions.tableKey,
            recordId: actions.recordId,
          },
        );
      }
    },
  };
}
