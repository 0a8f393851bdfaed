// Intake API: signed deliveries from lead sources, and rotating a source's secret.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { assertAdmin } from '../../permissions/record-guard';
import { requestSpaceAccess } from '../../permissions/request-access';
import type { Db } from '../../db/database';
import { rotateIntakeSecret } from '../../intake/intake-secrets';
import { deliverIntake } from '../../intake/intake-service';
import { resolveIntakeSource } from '../../intake/intake-source';
import { sendTestDelivery } from '../../intake/intake-test-delivery';
import { maxIntakeBytes, readRawBody } from '../../intake/raw-body';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

const params = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' } }),
  source: z
    .string()
    .max(63)
    .openapi({ param: { name: 'source', in: 'path' } }),
});
const answerSchema = z
  .object({
    recordId: z.string(),
    dedupe: z.enum(['unique', 'returning', 'flagged']),
    original: z.string().optional(),
    tags: z.array(z.string()),
    score: z.number().nullable(),
    band: z.string().nullable(),
    scores: z.array(z.object({ card: z.string(), score: z.number(), band: z.string().nullable() })),
    owner: z.string().nullable(),
    stage: z.string().nullable(),
    pool: z.string().optional(),
  })
  .openapi('IntakeAnswer');
const secretSchema = z
  .object({
    source: z.string(),
    secretName: z.string(),
    secret: z.string(),
    createdAt: z.string(),
    previousValidUntil: z.string().nullable(),
  })
  .openapi('IntakeSecret');
const tags = ['intake'];

const routes = {
  deliver: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/intake/{source}',
    tags,
    summary: 'Deliver a lead from a source (signed, idempotent)',
    description:
      'Body: a JSON object (or an urlencoded form), at most 256 KiB, read once as sent. Headers: the ' +
      "source's signature header (hex HMAC-SHA256 with the source's secret of `<timestamp>.<body>`, " +
      'or of the body when the source signs no timestamp), its timestamp header (Unix seconds) and ' +
      'Idempotency-Key. A retry with the same key answers the first answer with Idempotent-Replay: true.',
    request: {
      params,
      headers: z.object({
        'idempotency-key': z.string().max(200).optional(),
      }),
      body: {
        required: true,
        // A plain schema, not zod: the body must stay unread until the signature is checked.
        content: { 'application/json': { schema: { type: 'object' } } },
      },
    },
    responses: {
      201: jsonContent(answerSchema, 'The lead was created (or, on a replay, had been)'),
      400: jsonContent(errorSchema, 'No Idempotency-Key, a malformed payload or a failed mapping'),
      401: jsonContent(errorSchema, 'Missing or wrong signature, or outside the replay window'),
      404: jsonContent(errorSchema, 'No such space or source'),
      409: jsonContent(errorSchema, 'A duplicate the dedupe rules block'),
      413: jsonContent(errorSchema, 'Body larger than 256 KiB'),
    },
  }),
  rotate: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/intake/{source}/secret',
    tags,
    summary: "Rotate a source's signing secret",
    description:
      'Answers the new secret once. The previous secret keeps verifying deliveries for 10 minutes.',
    request: { params },
    responses: {
      201: jsonContent(secretSchema, 'The new secret'),
      404: jsonContent(errorSchema, 'No such space or source'),
    },
  }),
  test: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/intake/{source}/test',
    tags,
    summary: 'Send a test delivery, signed by the server with the current secret',
    description:
      'Runs a sample payload through the path a real delivery takes and answers the mapped values ' +
      'and what the pipeline did. The lead it creates is real.',
    request: {
      params,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({ payload: z.record(z.string(), z.unknown()) }).strict(),
          },
        },
      },
    },
    responses: {
      201: jsonContent(
        z.object({ mapped: z.record(z.string(), z.unknown()), answer: answerSchema }),
        'Delivered',
      ),
      400: jsonContent(errorSchema, 'A failed mapping or a record the pipeline refused'),
      404: jsonContent(errorSchema, 'No such space or source'),
      409: jsonContent(errorSchema, 'The source has no secret yet, or a blocked duplicate'),
    },
  }),
};

export function intakeRoutes(deps: { readonly db: Db }) {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.deliver, async (c) => {
      const { space, source } = c.req.valid('param');
      const result = await deliverIntake(deps.db, {
        space,
        source,
        body: await readRawBody(c.req.raw, maxIntakeBytes),
        contentType: c.req.header('content-type'),
        header: (name) => c.req.header(name),
      });
      if (result.replay) c.header('Idempotent-Replay', 'true');
      return c.json(result.body as z.infer<typeof answerSchema>, 201);
    })
    .openapi(routes.rotate, async (c) => {
      const { space, source } = c.req.valid('param');
      assertAdmin(await requestSpaceAccess(c, deps.db, space), `the intake secrets of "${space}"`);
      const resolved = await resolveIntakeSource(deps.db, space, source);
      const rotated = await rotateIntakeSecret(
        deps.db,
        resolved.context.space.id,
        resolved.source.secretName,
      );
      return c.json({ source, secretName: resolved.source.secretName, ...rotated }, 201);
    })
    .openapi(routes.test, async (c) => {
      const { space, source } = c.req.valid('param');
      const result = await sendTestDelivery(deps.db, space, source, c.req.valid('json').payload);
      return c.json(
        {
          mapped: { ...result.mapped },
          answer: result.answer as unknown as z.infer<typeof answerSchema>,
        },
        201,
      );
    });
}
