// Request and response schemas shared by routes; they also generate the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { checkIdentifier, identifierPattern } from '../../runtime/identifiers';

/** A user-chosen name that becomes an SQL identifier. */
export const identifierSchema = z
  .string()
  .max(63)
  .regex(identifierPattern, 'must match ^[a-z][a-z0-9_]{0,62}$ (lower-case letters, digits, _)')
  .refine((v) => checkIdentifier(v) !== 'reserved', 'is a reserved word')
  .openapi({ example: 'meddev' });

/** Text a person reads, in both shipped languages. */
export const localizedTextSchema = z
  .object({
    'zh-CN': z.string().trim().min(1).max(200),
    en: z.string().trim().min(1).max(200),
  })
  .strict()
  .openapi({ example: { 'zh-CN': '医疗器械事业部', en: 'Medical devices' } });

export const errorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .openapi('Error');

export const spaceSchema = z
  .object({
    id: z.string().uuid(),
    key: z.string(),
    name: localizedTextSchema,
    schemaName: z.string(),
    status: z.enum(['provisioning', 'active']),
    createdAt: z.string(),
    activatedAt: z.string().nullable(),
  })
  .openapi('Space');

export const timelineEntrySchema = z
  .object({
    id: z.string(),
    subject: z.string(),
    kind: z.string(),
    data: z.unknown(),
    at: z.string(),
  })
  .openapi('TimelineEntry');

export const componentHealthSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number().optional(),
  error: z.string().optional(),
});

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    db: componentHealthSchema,
    temporal: componentHealthSchema,
    worker: componentHealthSchema.extend({ pollers: z.number(), local: z.string().optional() }),
  })
  .openapi('Health');

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}
