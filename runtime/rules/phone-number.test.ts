import { describe, expect, it } from 'vitest';
import { normalizePhone } from './phone-number';

describe('normalizePhone', () => {
  it('turns a mainland mobile typed with spaces into E.164', () => {
    expect(normalizePhone('138 0013 8000')).toEqual({ ok: true, e164: '+8613800138000' });
  });

  it('reads an international prefix with dashes as the same number', () => {
    expect(normalizePhone('+86-138-0013-8000')).toEqual({ ok: true, e164: '+8613800138000' });
    expect(normalizePhone('0086 138 0013 8000')).toEqual({ ok: true, e164: '+8613800138000' });
  });

  it('drops the trunk prefix of a Shanghai landline', () => {
    expect(normalizePhone('021-6123-4567')).toEqual({ ok: true, e164: '+862161234567' });
  });

  it('reads full-width digits typed with a Chinese input method', () => {
    expect(normalizePhone('１３８００１３８０００')).toEqual({ ok: true, e164: '+8613800138000' });
  });

  it('uses another default region when asked', () => {
    expect(normalizePhone('(415) 555-2671', 'US')).toEqual({ ok: true, e164: '+14155552671' });
  });

  it('refuses numbers that cannot be valid, and says when nothing was typed', () => {
    expect(normalizePhone('12345')).toEqual({ ok: false, reason: 'unparseable' });
    expect(normalizePhone('call me')).toEqual({ ok: false, reason: 'unparseable' });
    expect(normalizePhone('  ')).toEqual({ ok: false, reason: 'empty' });
  });
});
