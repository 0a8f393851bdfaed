// Delivery failures: transient ones are thrown so the calling activity is retried.

/** One recipient whose delivery failed. */
export interface DeliveryFailure {
  readonly recipient: string;
  readonly channel: string;
  readonly error: string;
}

/**
 * Thrown by `sendNotification` after every recipient was tried, when at least one delivery failed
 * for a reason that may pass (network, timeout, a robot answering non-2xx, SMTP 4xx). A plain
 * `Error`, so Temporal retries the activity; delivered recipients are not sent to again.
 */
export class NotificationDeliveryError extends Error {
  readonly code = 'NOTIFICATION_DELIVERY_FAILED';
  readonly retryable = true;

  constructor(
    readonly failures: readonly DeliveryFailure[],
    /** Every recipient's outcome in this attempt, delivered ones included (for the timeline). */
    readonly outcomes: readonly unknown[] = [],
  ) {
    super(
      `notification delivery failed for ${failures.length} recipient(s): ${failures
        .map((f) => `${f.recipient} (${f.channel}): ${f.error}`)
        .join('; ')}`,
    );
    this.name = 'NotificationDeliveryError';
  }
}

/** A channel's failure to deliver one message; `transient` decides whether a retry may help. */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}
