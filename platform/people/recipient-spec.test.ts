import { describe, expect, it } from 'vitest';
import { parseRecipientSpec } from './recipient-spec';

describe('parseRecipientSpec', () => {
  it('counts manager levels above the owner', () => {
    expect(parseRecipientSpec('owner')).toEqual({ ok: true, value: { kind: 'owner', levels: 0 } });
    expect(parseRecipientSpec('owner.manager.manager')).toEqual({
      ok: true,
      value: { kind: 'owner', levels: 2 },
    });
  });

  it('reads roles, narrowed to the region on request, and treats group as an alias', () => {
    expect(parseRecipientSpec('role:supervisor@region')).toEqual({
      ok: true,
      value: { kind: 'role', role: 'supervisor', sameRegion: true },
    });
    expect(parseRecipientSpec('group:大区总监')).toEqual({
      ok: true,
      value: { kind: 'role', role: '大区总监', sameRegion: false },
    });
  });

  it('accepts users by id or e-mail address', () => {
    expect(parseRecipientSpec('user:han.mei@example.cn')).toMatchObject({ ok: true });
    expect(parseRecipientSpec('user:6f1c2a8e-1b7d-4c1e-9f5e-2a1b3c4d5e6f')).toMatchObject({
      ok: true,
    });
  });

  it('explains what is wrong instead of throwing', () => {
    expect(parseRecipientSpec('owner.boss')).toMatchObject({ ok: false });
    expect(parseRecipientSpec('role:supervisor@city')).toMatchObject({ ok: false });
    expect(parseRecipientSpec('user:nobody')).toMatchObject({ ok: false });
    expect(parseRecipientSpec('everyone')).toMatchObject({ ok: false });
    expect(parseRecipientSpec(`owner${'.manager'.repeat(11)}`)).toMatchObject({ ok: false });
  });
});
