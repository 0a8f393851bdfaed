// Pieces every rule kind's schema shares: CEL sources, durations, tags, recipients.
import { z } from 'zod';
import { durationMs, isoDurationSchema, parseIsoDuration } from '../time/iso-duration';

/** A CEL expression as an admin writes it; type-checked against its scope at publish. */
export const celSourceSchema = z.string().min(1).max(5_000);

/** An ISO 8601 duration longer than zero: `P30D`, `PT24H`, `PT240M` (no months or years). */
export const positiveDurationSchema = isoDurationSchema.refine(
  (text) => {
    const parsed = parseIsoDuration(text);
    // A malformed duration is reported once, by isoDurationSchema.
    return !parsed.ok || durationMs(parsed.value) > 0;
  },
  { message: 'must be longer than zero' },
);

/** A tag as people read it, e.g. `影像设备` or `抖音-骨科器械广告`. */
export const tagSchema = z
  .string()
  .min(1)
  .max(100)
  .refine((t) => t.trim() === t, { message: 'must not start or end with white space' });

/**
 * Who is told: `owner` (the record's owner), `original_owner` (the owner of the record a duplicate
 * matched), `role:<key>` (everyone holding a role) or `user:<id>`.
 */
export const recipientSchema = z
  .string()
  .regex(
    /^(owner|original_owner|role:[a-z][a-z0-9_]{0,62}|user:[A-Za-z0-9_.@-]{1,100})$/,
    'must be owner, original_owner, role:<key> or user:<id>',
  );

export type Recipient = z.infer<typeof recipientSchema>;
