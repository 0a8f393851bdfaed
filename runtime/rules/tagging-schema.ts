// Tagging rules: CEL conditions, keyword dictionaries, CIDR and organisation lists, channels → tags.
import { z } from 'zod';
import { keySchema, localizedTextSchema } from '../definition/field-schema';
import { celSourceSchema, tagSchema } from './rule-common-schema';

const tagsSchema = z.array(tagSchema).min(1).max(20);

const common = {
  key: keySchema,
  label: localizedTextSchema.optional(),
  table: keySchema,
  /** The tags field that receives the tags; default: the table's first field of type tags. */
  into: keySchema.optional(),
};

/** Tags when a CEL condition over `record` holds. */
export const celTaggingRuleSchema = z
  .object({ ...common, kind: z.literal('cel'), when: celSourceSchema, tags: tagsSchema })
  .strict();

/**
 * Tags when any text field contains any keyword, ignoring case and full/half width. A keyword that
 * starts or ends with a Latin letter or digit matches only at a word edge there, so `DR` finds
 * "需要DR设备" and "dr system" but not "address".
 */
export const keywordTaggingRuleSchema = z
  .object({
    ...common,
    kind: z.literal('keywords'),
    fields: z.array(keySchema).min(1).max(20),
    keywords: z.array(z.string().min(1).max(100)).min(1).max(1_000),
    tags: tagsSchema,
  })
  .strict();

/** Tags when an IP address field lies in any CIDR range, given inline or as a named list. */
export const cidrTaggingRuleSchema = z
  .object({
    ...common,
    kind: z.literal('cidr'),
    field: keySchema,
    ranges: z.array(z.string().min(1).max(50)).min(1).max(5_000).optional(),
    /** A list in the definition's `lists` whose option values are CIDR ranges. */
    list: keySchema.optional(),
    tags: tagsSchema,
  })
  .strict();

/**
 * Tags when an organisation name is on a list (compared normalised, legal suffixes ignored), e.g.
 * the 三甲医院 list → 公立三级. `contains` also matches names that include a listed name
 * ("北京协和医院 骨科").
 */
export const organizationTaggingRuleSchema = z
  .object({
    ...common,
    kind: z.literal('organization'),
    field: keySchema,
    /** A list in the definition's `lists`: option values and labels are organisation names. */
    list: keySchema.optional(),
    organizations: z.array(z.string().min(1).max(200)).min(1).max(5_000).optional(),
    match: z.enum(['exact', 'contains']).optional(),
    tags: tagsSchema,
  })
  .strict();

/** Tags by the value of a channel field: `{ douyin: ['抖音-骨科器械广告'] }`. */
export const channelTaggingRuleSchema = z
  .object({
    ...common,
    kind: z.literal('channel'),
    field: keySchema,
    channels: z.record(z.string().min(1).max(100), tagsSchema),
  })
  .strict();

export const taggingRuleSchema = z.discriminatedUnion('kind', [
  celTaggingRuleSchema,
  keywordTaggingRuleSchema,
  cidrTaggingRuleSchema,
  organizationTaggingRuleSchema,
  channelTaggingRuleSchema,
]);

export type TaggingRule = z.infer<typeof taggingRuleSchema>;
