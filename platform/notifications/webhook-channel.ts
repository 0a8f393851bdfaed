// Group-robot webhooks (WeCom 企业微信 / DingTalk 钉钉): markdown messages, optionally signed.
import { createHmac } from 'node:crypto';
import { ChannelError } from './notification-errors';

/** A robot URL and, when the robot has 加签 (signing) enabled, its secret. */
export interface RobotTarget {
  readonly url: string;
  readonly secret?: string;
}

export interface WebhookOptions {
  /** Default 5000. */
  readonly timeoutMs?: number;
  /** Current time in ms, for the signature. */
  readonly now?: () => number;
}

/**
 * Posts a markdown message to a robot. Every failure (network, timeout, non-2xx, or a 2xx answer
 * whose `errcode` is not 0, as both robots report refusals) is a transient `ChannelError`.
 * @example await postRobotMessage({ url, secret }, { title: '线索超时', body: '…' })
 */
export async function postRobotMessage(
  target: RobotTarget,
  message: { readonly title: string; readonly body: string },
  options: WebhookOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const url = target.secret
    ? signRobotUrl(target.url, target.secret, (options.now ?? Date.now)())
    : target.url;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(robotPayload(target.url, message.title, message.body)),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    const reason = timedOut ? `no answer within ${timeoutMs} ms` : describe(error);
    throw new ChannelError(`robot ${redactUrl(target.url)}: ${reason}`, true);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    throw new ChannelError(
      `robot ${redactUrl(target.url)} answered ${response.status}: ${text.slice(0, 200)}`,
      true,
    );
  }
  const errcode = robotErrorCode(text);
  if (errcode !== undefined && errcode !== 0) {
    throw new ChannelError(
      `robot ${redactUrl(target.url)} refused the message: ${text.slice(0, 200)}`,
      true,
    );
  }
}

/**
 * The message body: WeCom's `markdown.content`, or DingTalk's `markdown.title` + `markdown.text`
 * for robots on dingtalk.com.
 */
export function robotPayload(url: string, title: string, body: string): Record<string, unknown> {
  const content = `### ${title}\n${body}`;
  return isDingTalk(url)
    ? { msgtype: 'markdown', markdown: { title, text: content } }
    : { msgtype: 'markdown', markdown: { content } };
}

/**
 * Adds DingTalk's signature: `timestamp` (ms) and `sign` = base64(HMAC-SHA256(secret,
 * `${timestamp}\n${secret}`)) as query parameters.
 */
export function signRobotUrl(url: string, secret: string, timestampMs: number): string {
  const timestamp = String(timestampMs);
  const sign = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
  const signed = new URL(url);
  signed.searchParams.set('timestamp', timestamp);
  signed.searchParams.set('sign', sign);
  return signed.toString();
}

/** The URL without its query, which carries the robot's access token. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function isDingTalk(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'dingtalk.com' || host.endsWith('.dingtalk.com');
  } catch {
    return false;
  }
}

function robotErrorCode(text: string): number | undefined {
  try {
    const parsed = JSON.parse(text) as { errcode?: unknown };
    return typeof parsed.errcode === 'number' ? parsed.errcode : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
