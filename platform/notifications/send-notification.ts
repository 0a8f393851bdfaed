// Idempotent notification delivery, one row per recipient: a retried activity never sends twice.
import type { Db } from '../db/database';
import type { NotificationChannel } from '../db/schema';
import type { Logger } from '../logger';
import { findUser, type User } from '../people/user-repository';
import type { EmailAttachment, EmailSender } from './email-channel';
import { announceNotification } from './notification-hub';
import {
  ChannelError,
  NotificationDeliveryError,
  type DeliveryFailure,
} from './notification-errors';
import { postRobotMessage, redactUrl, type RobotTarget } from './webhook-channel';

export interface NotificationDeps {
  readonly db: Db;
  /** The SMTP sender; without one, e-mail deliveries fail (not retryable). */
  readonly email?: EmailSender;
  /** The space's group robot, for recipients without their own `attributes.webhook_url`. */
  readonly robot?: RobotTarget;
  /** Robot timeout; default 5000 ms. */
  readonly webhookTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface NotificationRequest {
  readonly spaceId: string;
  /** Stable across retries, e.g. `${workflowId}/${nodeId}`; each row is keyed `${key}:${userId}`. */
  readonly idempotencyKey: string;
  /** User ids or e-mail addresses, e.g. from `resolveRecipients`. */
  readonly recipients: readonly string[];
  readonly channel: NotificationChannel;
  readonly title: string;
  /** Plain text (markdown for robots). */
  readonly body: string;
  /** E-mail only: the HTML part; by default the body, escaped. */
  readonly html?: string;
  /** E-mail only: files sent along (a report's .xlsx). */
  readonly attachments?: readonly EmailAttachment[];
  readonly tableKey?: string;
  readonly recordId?: string;
  /**
   * Title and body for one recipient (by user id), replacing `title` / `body` for them: what a
   * record notification says depends on what each recipient may read.
   */
  readonly personal?: ReadonlyMap<string, NotificationText>;
}

export interface NotificationText {
  readonly title: string;
  readonly body: string;
}

export type DeliveryStatus = 'sent' | 'already_sent' | 'failed' | 'skipped';

export interface DeliveryOutcome {
  readonly recipient: string;
  readonly userId: string | null;
  readonly notificationId: string | null;
  readonly status: DeliveryStatus;
  /** Why it failed or was skipped. */
  readonly error?: string;
}

/**
 * Delivers a notification to each recipient at most once per idempotency key: the row is inserted
 * with `on conflict do nothing`, then locked; a row already `sent` is left alone, any other is
 * delivered and marked `sent` or `failed` with the error. Unknown recipients are skipped, and
 * permanent failures (no address, no SMTP) are reported in the outcome. When any delivery failed
 * transiently, every other recipient is still tried and a `NotificationDeliveryError` is thrown
 * at the end, so the caller retries and only the failed ones are sent again.
 * @example await sendNotification({ db, email }, { spaceId, idempotencyKey: `${wf}/${node}`, recipients: [ownerId], channel: 'inapp', title, body })
 */
export async function sendNotification(
  deps: NotificationDeps,
  request: NotificationRequest,
): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  const transient: DeliveryFailure[] = [];
  // Several recipients may share one group robot; the group sees the message once per call.
  const postedTo = new Set<string>();
  for (const recipient of new Set(request.recipients)) {
    const user = await findUser(deps.db, recipient);
    if (!user) {
      outcomes.push({
        recipient,
        userId: null,
        notificationId: null,
        status: 'skipped',
        error: `no user "${recipient}"`,
      });
      continue;
    }
    const { transient: isTransient, ...outcome } = await deliverTo(deps, request, user, postedTo);
    outcomes.push({ recipient, ...outcome });
    if (isTransient) {
      transient.push({ recipient, channel: request.channel, error: outcome.error ?? '' });
    }
  }
  if (transient.length > 0) throw new NotificationDeliveryError(transient, outcomes);
  return outcomes;
}

interface Attempt {
  readonly userId: string;
  readonly notificationId: string;
  readonly status: 'sent' | 'already_sent' | 'failed';
  readonly error?: string;
  /** A failure a retry may overcome. */
  readonly transient?: boolean;
}

async function deliverTo(
  deps: NotificationDeps,
  request: NotificationRequest,
  user: User,
  postedTo: Set<string>,
): Promise<Attempt> {
  const key = `${request.idempotencyKey}:${user.id}`;
  const target = targetOf(deps, request.channel, user);
  const text = request.personal?.get(user.id) ?? request;
  await deps.db
    .insertInto('platform.notifications')
    .values({
      space_id: request.spaceId,
      user_id: user.id,
      channel: request.channel,
      address: target.address,
      title: text.title,
      body: text.body,
      table_key: request.tableKey ?? null,
      record_id: request.recordId ?? null,
      idempotency_key: key,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();

  // The row lock makes a concurrent attempt with the same key wait, then see `sent`.
  return deps.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('platform.notifications')
      .select(['id', 'status', 'title', 'body'])
      .where('idempotency_key', '=', key)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const notificationId = String(row.id);
    if (row.status === 'sent') return { userId: user.id, notificationId, status: 'already_sent' };

    let failure: ChannelError | undefined;
    const alreadyPosted = target.robot !== undefined && postedTo.has(target.robot.url);
    if (target.problem) failure = new ChannelError(target.problem, false);
    else if (request.channel !== 'inapp' && !alreadyPosted) {
      try {
        await deliverExternally(deps, request, user, target, row);
        if (target.robot) postedTo.add(target.robot.url);
      } catch (error) {
        failure = error instanceof ChannelError ? error : new ChannelError(String(error), true);
      }
    }
    if (failure) {
      await tx
        .updateTable('platform.notifications')
        .set({ status: 'failed', error: failure.message, address: target.address })
        .where('id', '=', row.id)
        .execute();
      deps.logger?.warn('notification delivery failed', {
        notificationId,
        channel: request.channel,
        transient: failure.transient,
        error: failure.message,
      });
      return {
        userId: user.id,
        notificationId,
        status: 'failed',
        error: failure.message,
        transient: failure.transient,
      };
    }
    await tx
      .updateTable('platform.notifications')
      .set((eb) => ({
        status: 'sent',
        error: null,
        address: target.address,
        sent_at: eb.fn<Date>('now', []),
      }))
      .where('id', '=', row.id)
      .execute();
    if (request.channel === 'inapp') {
      await announceNotification(tx, {
        id: notificationId,
        spaceId: request.spaceId,
        userId: user.id,
      });
    }
    return { userId: user.id, notificationId, status: 'sent' };
  });
}

interface Target {
  /** Stored on the row: the e-mail address or the robot URL without its token. */
  readonly address: string | null;
  readonly robot?: RobotTarget;
  /** Why this recipient cannot be reached on the channel (a permanent failure). */
  readonly problem?: string;
}

function targetOf(deps: NotificationDeps, channel: NotificationChannel, user: User): Target {
  if (channel === 'inapp') return { address: null };
  if (channel === 'email') {
    if (!deps.email) return { address: user.email, problem: 'e-mail is not configured (SMTP_URL)' };
    return { address: user.email };
  }
  const own = user.attributes.webhook_url;
  const secret = user.attributes.webhook_secret;
  const robot: RobotTarget | undefined =
    typeof own === 'string' && own !== ''
      ? { url: own, ...(typeof secret === 'string' && secret !== '' && { secret }) }
      : deps.robot;
  if (!robot) {
    return {
      address: null,
      problem: `${user.email} has no webhook_url and the space has no robot`,
    };
  }
  return { address: redactUrl(robot.url), robot };
}

async function deliverExternally(
  deps: NotificationDeps,
  request: NotificationRequest,
  user: User,
  target: Target,
  row: { readonly title: string; readonly body: string },
): Promise<void> {
  if (request.channel === 'email' && deps.email) {
    await deps.email.send({
      to: user.email,
      subject: row.title,
      text: row.body,
      ...(request.html !== undefined && { html: request.html }),
      ...(request.attachments !== undefined && { attachments: request.attachments }),
    });
  } else if (request.channel === 'webhook' && target.robot) {
    await postRobotMessage(
      target.robot,
      { title: row.title, body: row.body },
      deps.webhookTimeoutMs === undefined ? {} : { timeoutMs: deps.webhookTimeoutMs },
    );
  }
}
