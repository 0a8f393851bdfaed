// What a starter-pack playbook test runs on: its own database, a Temporal worker and outbox relay on
// the shared dev server, an SMTP sink and a group-robot sink, and the HTTP app with a JSON client.
import { createEmailSender } from '../../platform/notifications/email-channel';
import { signDelivery } from '../../platform/intake/intake-signature';
import type { apiClient } from './api-client';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import { startFlowTestStack } from './flow-test-stack';
import type { createTestApp } from './test-app';
import type { TestDatabase } from './test-database';
import { startWebhookSink, type WebhookSink } from './webhook-sink';

export interface PlaybookHarness {
  readonly target: TestDatabase;
  readonly app: ReturnType<typeof createTestApp>;
  readonly api: ReturnType<typeof apiClient>;
  readonly smtp: SmtpSink;
  readonly robot: WebhookSink;
  close(): Promise<void>;
}

/** Starts everything; `close()` stops it in reverse order. */
export async function startPlaybookHarness(): Promise<PlaybookHarness> {
  const [smtp, robot] = await Promise.all([startSmtpSink(), startWebhookSink()]);
  const stack = await startFlowTestStack({
    worker: {
      notifications: {
        email: createEmailSender({ url: smtp.url, from: 'Baton <baton@example.cn>' }),
      },
    },
  });
  return {
    target: stack.target,
    app: stack.app,
    api: stack.api,
    smtp,
    robot,
    async close() {
      await stack.close();
      await Promise.all([smtp.close(), robot.close()]);
    },
  };
}

/**
 * Polls `read` until `done` holds, every 200 ms, failing with the last value after `timeoutMs`.
 * @example await until(() => timeline(id), (e) => e.length > 3)
 */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(
        `${what} not reached in ${timeoutMs} ms: ${JSON.stringify(value).slice(0, 1500)}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Posts a payload to an intake source signed as its sender would: HMAC-SHA256 over
 * `<timestamp>.<body>` in `header` with `x-baton-timestamp`, or over the body alone without one.
 */
export async function deliverSigned(
  app: PlaybookHarness['app'],
  path: string,
  secret: string,
  payload: unknown,
  signing: { readonly header: string; readonly timestamped: boolean },
): Promise<{ status: number; body: any }> {
  const body = JSON.stringify(payload);
  const timestamp = signing.timestamped ? String(Math.floor(Date.now() / 1000)) : undefined;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'idempotency-key': crypto.randomUUID(),
    [signing.header]: signDelivery(secret, body, timestamp),
  };
  if (timestamp) headers['x-baton-timestamp'] = timestamp;
  const response = await app.request(path, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}
