// Delivers rule notifications (score thresholds, returning leads), idempotently per write.
import type { Db } from '../../platform/db/database';
import type { Logger } from '../../platform/logger';
import {
  sendNotification,
  type NotificationDeps,
} from '../../platform/notifications/send-notification';
import { resolveRecipients } from '../../platform/people/resolve-recipients';
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
  return {
    async runRuleNotifications(actions: RuleActions): Promise<void> {
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
        await sendNotification(
          { db, ...notifications, logger },
          {
            spaceId: actions.spaceId,
            idempotencyKey: `${actions.keyPrefix}:${index}`,
            recipients: resolution.recipients.map((u) => u.id),
            channel: 'inapp',
            title: notification.title['zh-CN'],
            body: notification.body['zh-CN'],
            tableKey: actions.tableKey,
            recordId: actions.recordId,
          },
        );
      }
    },
  };
}
