// Rules dry run API: what a draft rule set would change on stored records, writing nothing.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { assertDefinitionEditor } from '../../permissions/request-access';
import type { Db } from '../../db/database';
import { dryRunRules, maxDryRunRecords } from '../../dry-run/dry-run-service';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

const params = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' } }),
});
const bodySchema = z
  .object({
    table: z.string().max(63),
    sample: z.number().int().min(1).max(maxDryRunRecords).optional(),
    definition: z.record(z.string(), z.unknown()).optional().openapi({
      description: 'The draft definition to evaluate; default: the saved draft',
    }),
  })
  .strict();
const resultSchema = z
  .object({
    table: z.string(),
    draft: z.enum(['saved', 'request']),
    publishedVersion: z.number(),
    total: z.number(),
    evaluated: z.number(),
    truncated: z.boolean(),
    changed: z.number(),
    summary: z.record(z.string(), z.number()),
    records: z
      .array(
        z.object({
          id: z.string(),
          // RuleChange: { kind: 'field' | 'tags' | 'score' | 'band' | 'owner' | 'gate', … }
          changes: z.array(z.any()).readonly(),
          issues: z.array(z.any()).readonly().optional(),
        }),
      )
      .readonly(),
  })
  .openapi('RulesDryRun');

const route = createRoute({
  method: 'post',
  path: '/api/spaces/{space}/rules/dry-run',
  tags: ['rules'],
  summary: 'Evaluate a draft rule set against stored records and list what would change',
  description:
    'Runs the published rules and the draft over the same records (all up to 10,000, or a random ' +
    'sample) and answers, per record that would change, the tag, score, band, owner (of pooled ' +
    'records), gate and value changes. Read-only: nothing is written.',
  request: {
    params,
    body: { required: true, content: { 'application/json': { schema: bodySchema } } },
  },
  responses: {
    200: jsonContent(resultSchema, 'Records that would change'),
    400: jsonContent(errorSchema, 'Malformed request'),
    404: jsonContent(errorSchema, 'No such space or table'),
    422: jsonContent(errorSchema, 'The draft does not validate; details.issues lists why'),
  },
});

export function dryRunRoutes(deps: { readonly db: Db }) {
  return new OpenAPIHono({ defaultHook: validationHook }).openapi(route, async (c) => {
    // A dry run reads every stored record: a designer's tool, not a member's.
    await assertDefinitionEditor(c, deps.db, c.req.valid('param').space);
    return c.json(await dryRunRules(deps.db, c.req.valid('param').space, c.req.valid('json')), 200);
  });
}
