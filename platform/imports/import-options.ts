// What a client sends with an import or preview: column → field mapping, relations, mode and dedupe.
import { z } from 'zod';

export const columnTransformSchema = z.enum(['trim', 'lower', 'split_list']);

/** A column maps to a field key, or to a field with a transform applied to the cell first. */
export const columnTargetSchema = z.union([
  z.string().min(1).max(63),
  z
    .object({ field: z.string().min(1).max(63), transform: columnTransformSchema.optional() })
    .strict(),
]);

export const importMappingSchema = z
  .object({
    columns: z.record(z.string().max(500), columnTargetSchema),
    /** Relation fields whose cells name the related record by one of its unique fields. */
    relations: z
      .record(z.string().max(63), z.object({ by: z.string().min(1).max(63) }).strict())
      .optional(),
  })
  .strict();

export const dedupeSchema = z
  .object({
    keys: z.array(z.string().min(1).max(63)).min(1).max(5),
    onMatch: z.enum(['skip', 'update', 'create']),
  })
  .strict();

export const importOptionsSchema = z
  .object({
    mapping: importMappingSchema,
    mode: z.enum(['all_or_nothing', 'partial']).default('partial'),
    dedupe: dedupeSchema.optional(),
    /** How to read a CSV's bytes; `auto` tells UTF-8 (with or without BOM) from GB18030. */
    encoding: z.enum(['auto', 'utf-8', 'gb18030']).default('auto'),
    /** 1-based sheet number of an .xlsx file. */
    sheet: z.number().int().min(1).max(1000).default(1),
  })
  .strict();

export const previewOptionsSchema = importOptionsSchema
  .omit({ mapping: true, mode: true })
  .extend({
    /** Without a mapping the preview uses the suggested one. */
    mapping: importMappingSchema.optional(),
    limit: z.number().int().min(1).max(200).default(20),
  })
  .strict();

export type ColumnTransform = z.infer<typeof columnTransformSchema>;
export type ImportMapping = z.infer<typeof importMappingSchema>;
export type DedupeOptions = z.infer<typeof dedupeSchema>;
export type ImportOptions = z.infer<typeof importOptionsSchema>;
export type PreviewOptions = z.infer<typeof previewOptionsSchema>;
export type ImportMode = ImportOptions['mode'];
