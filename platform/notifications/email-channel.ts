// E-mail over SMTP (nodemailer): one message per recipient, with a plain-text and an HTML part.
import nodemailer from 'nodemailer';
import { ChannelError } from './notification-errors';
import { escapeHtml } from './render-template';

export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Defaults to the text, escaped, with line breaks kept. */
  readonly html?: string;
  readonly attachments?: readonly EmailAttachment[];
}

/** A file sent along, e.g. a report's .xlsx. */
export interface EmailAttachment {
  readonly filename: string;
  readonly content: Buffer;
  readonly contentType: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
  /** Closes pooled connections, if any. */
  close(): void;
}

export interface SmtpSettings {
  /** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://host:465`. */
  readonly url: string;
  /** The From header, e.g. `Baton <baton@example.cn>`. */
  readonly from: string;
}

/**
 * Creates an SMTP sender. Permanent refusals (SMTP 5xx, a rejected address) are non-transient
 * `ChannelError`s; connection problems, timeouts and 4xx answers are transient.
 * @example createEmailSender({ url: 'smtp://127.0.0.1:2525', from: 'Baton <baton@example.cn>' })
 */
export function createEmailSender(settings: SmtpSettings): EmailSender {
  const transport = nodemailer.createTransport({
    url: settings.url,
    connectionTimeout: 10_000,
    greetingTimeout: 5_000,
    socketTimeout: 20_000,
  });
  return {
    async send(message) {
      try {
        await transport.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html ?? textToHtml(message.subject, message.text),
          ...(message.attachments && { attachments: message.attachments.map((a) => ({ ...a })) }),
        });
      } catch (error) {
        const e = error as { code?: string; responseCode?: number; message?: string };
        const permanent = (e.responseCode ?? 0) >= 500 || e.code === 'EENVELOPE';
        throw new ChannelError(`smtp: ${e.message ?? String(error)}`, !permanent);
      }
    },
    close: () => transport.close(),
  };
}

/** A minimal HTML version of a plain-text message. */
export function textToHtml(title: string, text: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replaceAll('\n', '<br>')}</p>`)
    .join('\n');
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body><h3>${escapeHtml(title)}</h3>\n${paragraphs}\n</body></html>`;
}
