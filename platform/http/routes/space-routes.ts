// Spaces API: create, list, read, and a space's timeline.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { recordAdminAction } from '../../auth/admin-audit';
import type { Db } from '../../db/database';
import {
  createSpace,
  getSpaceOrThrow,
  listSpaces,
  listTimeline,
} from '../../spaces/space-repository';
import {
  errorSchema,
  identifierSchema,
  jsonContent,
  localizedTextSchema,
  spaceSchema,
  timelineEntrySchema,
} from '../schemas';
import { requestActor } from '../request-actor';
import { validationHook } from '../validation-hook';

const spaceParams = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' } }),
});

const create = createRoute({
  method: 'post',
  path: '/api/spaces',
  tags: ['spaces'],
  summary: 'Create a space (its own PostgreSQL schema)',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ key: identifierSchema, name: localizedTextSchema }).strict(),
        },
      },
    },
  },
  responses: {
    201: jsonContent(
      z.object({ space: spaceSchema }),
      'Created; activation follows through Temporal',
    ),
    400: jsonContent(errorSchema, 'Malformed body'),
    409: jsonContent(errorSchema, 'A space with this key exists'),
  },
});

const list = createRoute({
  method: 'get',
  path: '/api/spaces',
  tags: ['spaces'],
  summary: 'List spaces',
  responses: { 200: jsonContent(z.object({ spaces: z.array(spaceSchema) }), 'Every space') },
});

const get = createRoute({
  method: 'get',
  path: '/api/spaces/{space}',
  tags: ['spaces'],
  summary: 'Read a space',
  request: { params: spaceParams },
  responses: {
    200: jsonContent(z.object({ space: spaceSchema }), 'The space'),
    404: jsonContent(errorSchema, 'No such space'),
  },
});

const timeline = createRoute({
  method: 'get',
  path: '/api/spaces/{space}/timeline',
  tags: ['spaces'],
  summary: "A subject's timeline in a space (written by workflow activities)",
  request: {
    params: spaceParams,
    query: z.object({ subject: z.string().min(1).max(200).default('space') }),
  },
  responses: {
    200: jsonContent(z.object({ entries: z.array(timelineEntrySchema) }), 'Oldest first'),
    404: jsonContent(errorSchema, 'No such space'),
  },
});

export function spaceRoutes(db: Db) {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(create, async (c) => {
      const space = await createSpace(db, c.req.valid('json'));
      await recordAdminAction(db, requestActor(c), {
        action: 'space.create',
        spaceId: space.id,
        target: space.key,
      });
      return c.json({ space }, 201);
    })
    .openapi(list, async (c) => c.json({ spaces: await listSpaces(db) }, 200))
    .openapi(get, async (c) => {
      const space = await getSpaceOrThrow(db, c.req.valid('param').space);
      return c.json({ space }, 200);
    })
    .openapi(timeline, async (c) => {
      const space = await getSpaceOrThrow(db, c.req.valid('param').space);
      const entries = await listTimeline(db, space.id, c.req.valid('query').subject);
      return c.json({ entries }, 200);
    });
}
