import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

describe('logger', () => {
  it('redacts credentials, cookies, secrets, tokens and passwords at any depth', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', {}, (line) => lines.push(line)).child({
      component: 'test',
    });
    logger.info('request', {
      headers: {
        Authorization: 'Bearer bt_live',
        cookie: 'baton_session=abc',
        'x-csrf-token': 'csrf',
        'content-type': 'application/json',
      },
      body: { email: 'a@b.cn', password: 'hunter2hunter2', webhook_secret: 'SEC123' },
      apiToken: 'bt_other',
      intake: { signature: 'ab'.repeat(32), idempotencyKey: 'k-1' },
      tokens: 3,
    });
    const entry = JSON.parse(lines[0]!) as Record<string, any>;
    expect(entry.headers).toEqual({
      Authorization: '[redacted]',
      cookie: '[redacted]',
      'x-csrf-token': '[redacted]',
      'content-type': 'application/json',
    });
    expect(entry.body).toEqual({
      email: 'a@b.cn',
      password: '[redacted]',
      webhook_secret: '[redacted]',
    });
    expect(entry.apiToken).toBe('[redacted]');
    expect(entry.intake).toEqual({ signature: '[redacted]', idempotencyKey: 'k-1' });
    for (const secret of ['bt_live', 'abc', 'hunter2', 'SEC123', 'bt_other']) {
      expect(lines[0]).not.toContain(secret);
    }
  });

  it('still writes errors with their message and stack', () => {
    const lines: string[] = [];
    createLogger('error', {}, (line) => lines.push(line)).error('failed', {
      error: new Error('boom'),
    });
    expect(JSON.parse(lines[0]!).error).toMatchObject({ name: 'Error', message: 'boom' });
  });
});
