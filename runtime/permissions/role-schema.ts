// Roles of a space: what each may do with the definition and with every table, down to the field.
import { z } from 'zod';
import { keySchema, localizedTextSchema } from '../definition/field-schema';

/**
 * Which records an action reaches: the owner's own, the owner's team (the user and everyone
 * reporting to them, recursively), the user's regions (the record's province, else the owner's),
 * all of them, or a CEL predicate over `record` and `user` that must compile to SQL.
 */
export const rowScopeSchema = z.union([
  z.enum(['own', 'team', 'region', 'all']),
  z.object({ cel: z.string().min(1).max(2_000) }).strict(),
]);

/** Field allow-lists: what a role reads and writes. A field not in `read` is hidden. */
export const fieldAccessSchema = z
  .object({
    /** Readable fields; `"*"` for all. Absent: all fields. */
    read: z.union([z.literal('*'), z.array(keySchema).max(300)]).optional(),
    /** Writable fields (each must be readable); `"*"` for all readable. Absent: none. */
    write: z.union([z.literal('*'), z.array(keySchema).max(300)]).optional(),
  })
  .strict();

export const tablePermissionSchema = z
  .object({
    read: rowScopeSchema.optional(),
    create: z.boolean().optional(),
    update: rowScopeSchema.optional(),
    delete: rowScopeSchema.optional(),
    export: z.boolean().optional(),
    import: z.boolean().optional(),
    fields: fieldAccessSchema.optional(),
    /** Per-stage replacements of `fields` while a record is in that stage. */
    stages: z.record(keySchema, fieldAccessSchema).optional(),
    /** The field a `region` scope compares with the user's regions; `province` by default. */
    regionField: keySchema.optional(),
  })
  .strict();

export const roleSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    description: localizedTextSchema.optional(),
    /** Bypasses every check in the space (and may "view as" other roles). */
    admin: z.boolean().optional(),
    /** May edit, validate and publish the space's definition. */
    editDefinition: z.boolean().optional(),
    /** Tables this role may touch; a table absent here is closed to it. */
    tables: z.record(keySchema, tablePermissionSchema).default({}),
  })
  .strict();

export type RowScope = z.infer<typeof rowScopeSchema>;
export type FieldAccess = z.infer<typeof fieldAccessSchema>;
export type TablePermission = z.infer<typeof tablePermissionSchema>;
export type RoleDefinition = z.infer<typeof roleSchema>;

/** The record actions a row scope governs. */
export type ScopedAction = 'read' | 'update' | 'delete';

/** System columns every readable record shows, whatever the field lists say. */
export const systemFieldKeys: readonly string[] = [
  'id',
  'version',
  'created_at',
  'updated_at',
  'created_by',
  'updated_by',
  'owner',
  'stage',
  'deleted_at',
];
