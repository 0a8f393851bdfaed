// Forms: how a table's fields are laid out for people to fill in — sections, columns, placement,
// conditional visibility (CEL) and the form's own required / min-items constraints.
import { z } from 'zod';
import { keySchema, localizedTextSchema } from '../definition/field-schema';

/** A CEL condition over `record` (the values entered so far); the item shows while it holds. */
const visibleIfSchema = z.string().min(1).max(2_000);

/** One field placed in a section. */
export const formItemSchema = z
  .object({
    field: keySchema,
    /** Zero-based column of the section the field sits in; 0 when absent. */
    column: z.number().int().min(0).max(3).optional(),
    /** Required on this form even when the table does not require it. */
    required: z.boolean().optional(),
    /** For list-valued fields (multi_select, attachments, tags): the least number of entries. */
    minItems: z.number().int().min(0).max(100).optional(),
    visibleIf: visibleIfSchema.optional(),
    readOnly: z.boolean().optional(),
    /** Overrides the field's own hint. */
    help: localizedTextSchema.optional(),
  })
  .strict();

export const formSectionSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    /** How many columns the section lays its items out in (1–4). */
    columns: z.number().int().min(1).max(4).optional(),
    visibleIf: visibleIfSchema.optional(),
    items: z.array(formItemSchema).max(300),
  })
  .strict();

export const formSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    description: localizedTextSchema.optional(),
    /** The table the form writes records of. */
    table: keySchema,
    sections: z.array(formSectionSchema).min(1).max(50),
  })
  .strict();

export type FormItem = z.infer<typeof formItemSchema>;
export type FormSection = z.infer<typeof formSectionSchema>;
export type FormDefinition = z.infer<typeof formSchema>;

/** Field types whose values are lists, the only ones `minItems` applies to. */
export const listFieldTypes: readonly string[] = ['multi_select', 'attachments', 'tags'];
