import { describe, expect, it } from 'vitest';
import { loadNotificationSettings } from './notification-settings';

describe('loadNotificationSettings', () => {
  it('reads SMTP_URL and SMTP_FROM, with a default sender', () => {
    expect(loadNotificationSettings({})).toEqual({});
    expect(loadNotificationSettings({ SMTP_URL: 'smtp://mail:25' })).toEqual({
      smtp: { url: 'smtp://mail:25', from: 'Baton <baton@localhost>' },
    });
    expect(
      loadNotificationSettings({ SMTP_URL: 'smtps://mail:465', SMTP_FROM: 'Baton <b@x.cn>' }).smtp,
    ).toEqual({ url: 'smtps://mail:465', from: 'Baton <b@x.cn>' });
  });

  it('refuses a URL that is not SMTP', () => {
    expect(() => loadNotificationSettings({ SMTP_URL: 'http://mail' })).toThrow(/smtp:\/\//);
    expect(() => loadNotificationSettings({ SMTP_URL: 'mail:25x' })).toThrow();
  });
});
