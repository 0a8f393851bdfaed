// Behaviour events API: batches of page dwells, downloads, demos, messages and replies that feed
// the scorecards.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Db } from '../../db/database';
import { ingestEvents } from '../../events/event-service';
import { assertEventTargets } from '../../permissions/action-guards';
import { requestSpaceAccess } from '../../permissions/request-access';
import { resolveTable } from '../../records/table-context';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

const params = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' } }),
});
const instantWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const eventSchema = z
  .object({
    table: z.string().max(63),
    recordId: z.string().uuid('must be a record id (uuid)'),
    type: z.string().regex(/^[a-z][a-z0-9_.]{0,62}$/, 'must look like email_reply or page.dwell'),
    at: z
      .string()
      .regex(instantWithOffset, 'must be an ISO 8601 instant with an offset')
      .refine((v) => !Number.isNaN(Date.parse(v)), 'is not a valid instant'),
    payload: z.record(z.string(), z.unknown()).optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict()
  .openapi('BehaviourEvent');
const levelSchema = z.object({ card: z.string(), score: z.number(), band: z.string().nullable() });
const answerSchema = z.object({
  events: z.array(
    z.object({
      index: z.number(),
      status: z.enum(['stored', 'duplicate', 'rejected']),
      recordId: z.string(),
      id: z.string().optional(),
      score: z.number().nullable().optional(),
      band: z.string().nullable().optional(),
      scores: z.array(levelSchema).optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
  records: z.array(
    z.object({
      table: z.string(),
      recordId: z.string(),
      written: z.boolean(),
      deferred: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});

const route = createRoute({
  method: 'post',
  path: '/api/spaces/{space}/events',
  tags: ['events'],
  summary: 'Record a batch of behaviour events and rescore the records they touch',
  description:
    'At most 500 events. A repeated idempotencyKey is answered as a duplicate and stores nothing. ' +
    'Each answer carries the score and band once the event counted; crossing a scorecard threshold ' +
    'runs its actions once.',
  request: {
    params,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ events: z.array(eventSchema).min(1).max(500) }).strict(),
        },
      },
    },
  },
  responses: {
    200: jsonContent(answerSchema, 'One answer per event, in order, and what was rescored'),
    400: jsonContent(errorSchema, 'Malformed batch'),
    404: jsonContent(errorSchema, 'No such space'),
  },
});

export function eventRoutes(deps: { readonly db: Db }) {
  return new OpenAPIHono({ defaultHook: validationHook }).openapi(route, async (c) => {
    const { space } = c.req.valid('param');
    const { events } = c.req.valid('json');
    const access = await requestSpaceAccess(c, deps.db, space);
    await assertEventTargets(deps.db, access, space, events, (key, table) =>
      resolveTable(deps.db, key, table),
    );
    return c.json(await ingestEvents(deps.db, space, events), 200);
  });
}
