// The `rules` part of an app definition: every rule kind, each naming the table it works on.
import { z } from 'zod';
import { assignmentRuleSchema } from './assignment-schema';
import { dedupeRuleSchema } from './dedupe-schema';
import { gateSchema } from './gate-schema';
import { normalizeRuleSchema } from './normalize-schema';
import { scorecardSchema } from './scorecard-schema';
import { taggingRuleSchema } from './tagging-schema';

/**
 * Rules run inside the write that changes a record, in this order: normalize → dedupe → tagging →
 * scorecards → assignment → gates. Gates sit here rather than on the table so that one place holds
 * everything the dry run evaluates and publish cross-checks.
 */
export const rulesSchema = z
  .object({
    /** At most one entry per table. */
    normalize: z.array(normalizeRuleSchema).max(200).optional(),
    /** Tried in order; the first rule that finds a match decides. */
    dedupe: z.array(dedupeRuleSchema).max(100).optional(),
    /** All matching rules add their tags. */
    tagging: z.array(taggingRuleSchema).max(1_000).optional(),
    scorecards: z.array(scorecardSchema).max(50).optional(),
    /** The first rule of a record's table decides; later ones are alternatives the flows name. */
    assignment: z.array(assignmentRuleSchema).max(100).optional(),
    /** Every gate matching a transition must pass. */
    gates: z.array(gateSchema).max(500).optional(),
  })
  .strict();

export type RulesDefinition = z.infer<typeof rulesSchema>;
