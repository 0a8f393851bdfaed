// The body of a simulation (a published flow's or a draft's): a record and a script of events at
// virtual times.
import { z } from '@hono/zod-openapi';

const instant = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 instant');

const scriptedEvent = z.discriminatedUnion('type', [
  z
    .object({
      at: z.string().max(40),
      type: z.literal('record'),
      set: z.record(z.string(), z.unknown()),
    })
    .strict(),
  z
    .object({
      at: z.string().max(40),
      type: z.literal('verdict'),
      verdict: z.enum(['valid', 'needs_info', 'invalid']),
      reason: z.string().max(100).optional(),
      note: z.string().max(2000).optional(),
      by: z.string().max(100).optional(),
    })
    .strict(),
  z
    .object({
      at: z.string().max(40),
      type: z.literal('task_done'),
      by: z.string().max(100).optional(),
    })
    .strict(),
]);

/** The script's fields, shared by both simulate routes (each adds what it simulates). */
export const simulationScript = {
  record: z.record(z.string(), z.unknown()),
  start: instant.optional(),
  events: z.array(scriptedEvent).max(500).optional(),
  until: instant.optional(),
};
