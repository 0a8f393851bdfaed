// Notification configuration from the environment: the SMTP server for e-mail.
import { ConfigError } from '../config';
import type { SmtpSettings } from './email-channel';

export interface NotificationSettings {
  /** Absent when `SMTP_URL` is unset: e-mail notifications then fail without a retry. */
  readonly smtp?: SmtpSettings;
}

/**
 * Reads `SMTP_URL` (smtp:// or smtps://) and `SMTP_FROM` (default `Baton <baton@localhost>`).
 * @example loadNotificationSettings(process.env).smtp // { url: 'smtp://mail:25', from: '…' }
 */
export function loadNotificationSettings(
  env: Readonly<Record<string, string | undefined>>,
): NotificationSettings {
  const url = env.SMTP_URL?.trim();
  if (!url) return {};
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new ConfigError('SMTP_URL must be a URL such as smtp://host:587');
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    throw new ConfigError(`SMTP_URL must use smtp:// or smtps://, got "${protocol}"`);
  }
  return { smtp: { url, from: env.SMTP_FROM?.trim() || 'Baton <baton@localhost>' } };
}
