import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signDelivery, verifyDelivery } from './intake-signature';

const body = Buffer.from('{"mobile":"13800138000"}');
const now = new Date('2025-03-01T01:00:00Z');
const ts = String(now.getTime() / 1000);
const rules = {
  signatureHeader: 'x-baton-signature',
  timestampHeader: 'x-baton-timestamp',
  toleranceSeconds: 300,
};

function refusal(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('intake signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, hex encoded', () => {
    const expected = createHmac('sha256', 'secret')
      .update(`${ts}.${body.toString()}`)
      .digest('hex');
    expect(signDelivery('secret', body, ts)).toBe(expected);
    expect(signDelivery('secret', body)).toBe(
      createHmac('sha256', 'secret').update(body).digest('hex'),
    );
  });

  it('accepts a delivery signed with any valid secret, with or without the sha256= prefix', () => {
    const signature = `sha256=${signDelivery('old', body, ts)}`;
    expect(
      refusal(() => verifyDelivery({ body, signature, timestamp: ts }, ['new', 'old'], rules, now)),
    ).toBeUndefined();
  });

  it('refuses wrong, missing and malformed signatures', () => {
    const check = (signature: string | undefined, secrets = ['secret']) =>
      refusal(() => verifyDelivery({ body, signature, timestamp: ts }, secrets, rules, now));
    expect(check(signDelivery('other', body, ts))).toBe('SIGNATURE_MISMATCH');
    expect(check(undefined)).toBe('SIGNATURE_MISSING');
    expect(check('deadbeef')).toBe('SIGNATURE_MALFORMED');
    expect(check(signDelivery('secret', body, ts), [])).toBe('INTAKE_SECRET_NOT_SET');
  });

  it('refuses deliveries signed outside the replay window, or without a usable timestamp', () => {
    const at = (timestamp: string | undefined) =>
      refusal(() =>
        verifyDelivery(
          { body, signature: signDelivery('secret', body, timestamp), timestamp },
          ['secret'],
          rules,
          now,
        ),
      );
    expect(at(String(Number(ts) - 300))).toBeUndefined();
    expect(at(String(Number(ts) - 301))).toBe('TIMESTAMP_OUT_OF_WINDOW');
    expect(at(String(Number(ts) + 301))).toBe('TIMESTAMP_OUT_OF_WINDOW');
    expect(at(undefined)).toBe('TIMESTAMP_MISSING');
    expect(at('2025-03-01T01:00:00Z')).toBe('TIMESTAMP_MALFORMED');
  });
});
