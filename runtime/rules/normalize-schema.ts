// How a table's incoming values are cleaned before anything compares them: phones, e-mails, names.
import { z } from 'zod';
import { keySchema } from '../definition/field-schema';

const regionSchema = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 region such as CN');

/**
 * One table's normalizers. Fields not listed keep their values, except that every text-like value
 * (text, long text, phone, e-mail, URL) is trimmed unless `trimText` is false.
 */
export const normalizeRuleSchema = z
  .object({
    table: keySchema,
    /** Trim white space around every text-like value. Default true. */
    trimText: z.boolean().optional(),
    /** Phones to E.164 (+8613800138000); unparseable ones are kept as typed and reported. */
    phone: z
      .object({
        /** Default: every field of type phone. */
        fields: z.array(keySchema).min(1).max(20).optional(),
        /** Region of numbers typed without a country code; the field's own wins. Default CN. */
        defaultRegion: regionSchema.optional(),
      })
      .strict()
      .optional(),
    /** E-mail addresses trimmed and lower-cased. */
    email: z
      .object({
        /** Default: every field of type email. */
        fields: z.array(keySchema).min(1).max(20).optional(),
      })
      .strict()
      .optional(),
    /**
     * Organisation names: trimmed, full-width folded to half-width, runs of spaces collapsed.
     * Dedupe keys and organisation lists compare them also without the listed legal suffixes.
     */
    organization: z
      .object({
        fields: z.array(keySchema).min(1).max(20),
        /** Legal-form suffixes ignored when comparing, e.g. 股份有限公司, 有限公司, (集团). */
        stripSuffixes: z.array(z.string().min(1).max(50)).max(200).optional(),
        /** Also store names without those suffixes (default: only compare without them). */
        storeStripped: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type NormalizeRule = z.infer<typeof normalizeRuleSchema>;
