// Definition API: published version, draft, validate, preview, publish, versions, diff, export/import.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ForbiddenError } from '../../permissions/permission-errors';
import { actingUserId, requestAccess } from '../../permissions/request-access';
import { recordAdminAction } from '../../auth/admin-audit';
import { requestActor } from '../request-actor';
import { diffDefinitions } from '../../../runtime/definition/diff-definitions';
import { appDefinitionJsonSchema } from '../../../runtime/definition/definition-schema';
import {
  validateDefinition,
  type CelChecker,
} from '../../../runtime/definition/validate-definition';
import type { Db } from '../../db/database';
import {
  getDraft,
  getPublished,
  getVersionOrThrow,
  listVersions,
  saveDraft,
} from '../../definitions/definition-store';
import { purgeRetired } from '../../definitions/purge-service';
import { previewPublish, publishDraft, type PublishPlan } from '../../definitions/publish-service';
import { BatonError } from '../../errors';
import { getSpaceOrThrow } from '../../spaces/space-repository';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

const params = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' } }),
});
const versionParams = params.extend({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .openapi({ param: { name: 'version', in: 'path' } }),
});
const definitionBody = z.record(z.string(), z.unknown()).openapi('DefinitionDocument', {
  description: 'An app definition; see GET /api/definition-schema.json',
});
const issueSchema = z
  .object({
    pointer: z.string(),
    code: z.string(),
    message: z.object({ 'zh-CN': z.string(), en: z.string() }),
  })
  .openapi('DefinitionIssue');
const planSchema = z
  .object({
    fromVersion: z.number(),
    version: z.number(),
    // Each entry: { step: MigrationStep, sql: string[], cast?: CastReport }.
    steps: z.array(z.any()),
  })
  .openapi('PublishPlan');
const json = { 'application/json': { schema: definitionBody } };
const tag = ['definitions'];

const routes = {
  published: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/definition',
    tags: tag,
    summary: 'The published definition',
    request: { params },
    responses: {
      200: jsonContent(
        z.object({
          version: z.number(),
          publishedAt: z.string().nullable(),
          definition: definitionBody,
        }),
        'Version 0 before the first publish',
      ),
      404: jsonContent(errorSchema, 'No such space'),
    },
  }),
  getDraft: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/definition/draft',
    tags: tag,
    summary: 'The draft',
    request: { params },
    responses: {
      200: jsonContent(
        z.object({
          basedOnVersion: z.number(),
          updatedAt: z.string().nullable(),
          definition: z.unknown(),
        }),
        'The draft',
      ),
      404: jsonContent(errorSchema, 'No such space'),
    },
  }),
  putDraft: createRoute({
    method: 'put',
    path: '/api/spaces/{space}/definition/draft',
    tags: tag,
    summary: 'Replace the draft (stored even while invalid; the answer lists its problems)',
    request: { params, body: { required: true, content: json } },
    responses: {
      200: jsonContent(z.object({ valid: z.boolean(), issues: z.array(issueSchema) }), 'Saved'),
      400: jsonContent(errorSchema, 'Not a JSON object'),
      404: jsonContent(errorSchema, 'No such space'),
    },
  }),
  validate: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/definition/draft/validate',
    tags: tag,
    summary: 'Validate the draft against the published version',
    request: { params },
    responses: {
      200: jsonContent(
        z.object({ valid: z.boolean(), issues: z.array(issueSchema) }),
        'Validation result',
      ),
    },
  }),
  preview: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/definition/draft/preview',
    tags: tag,
    summary:
      'The migration plan publishing would apply (SQL and cast checks included); changes nothing',
    request: { params },
    responses: {
      200: jsonContent(planSchema, 'The plan'),
      422: jsonContent(errorSchema, 'The draft is invalid'),
    },
  }),
  publish: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/definition/publish',
    tags: tag,
    summary: 'Publish the draft as a new version, applying its migration in one transaction',
    request: { params },
    responses: {
      201: jsonContent(planSchema, 'Published'),
      409: jsonContent(errorSchema, 'A type change would lose values'),
      422: jsonContent(errorSchema, 'The draft is invalid'),
    },
  }),
  versions: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/definition/versions',
    tags: tag,
    summary: 'Published versions, newest first',
    request: { params },
    responses: {
      200: jsonContent(
        z.object({
          versions: z.array(
            z.object({
              version: z.number(),
              publishedAt: z.string(),
              publishedBy: z.string().nullable(),
              steps: z.number(),
            }),
          ),
        }),
        'Versions',
      ),
    },
  }),
  version: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/definition/versions/{version}',
    tags: tag,
    summary: 'One published version with its applied plan',
    request: { params: versionParams },
    responses: {
      200: jsonContent(
        z.object({
          version: z.number(),
          publishedAt: z.string().nullable(),
          definition: definitionBody,
          plan: z.unknown(),
        }),
        'The version',
      ),
      404: jsonContent(errorSchema, 'No such version'),
    },
  }),
  diff: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/definition/diff',
    tags: tag,
    summary: 'Differences between two versions (0 is the empty definition, "draft" the draft)',
    request: {
      params,
      query: z.object({
        from: z.string().regex(/^(\d+|draft)$/),
        to: z.string().regex(/^(\d+|draft)$/),
      }),
    },
    responses: {
      200: jsonContent(z.object({ changes: z.array(z.unknown()) }), 'Changes'),
      404: jsonContent(errorSchema, 'No such version'),
    },
  }),
  exportDefinition: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/definition/export',
    tags: tag,
    summary: 'Download the published definition as a JSON document',
    request: { params },
    responses: { 200: jsonContent(z.unknown(), 'Export document') },
  }),
  importDefinition: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/definition/import',
    tags: tag,
    summary: 'Replace the draft with an exported document (publish to apply)',
    request: {
      params,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                baton: z.literal('definition'),
                formatVersion: z.literal(1),
                definition: definitionBody,
              })
              .passthrough(),
          },
        },
      },
    },
    responses: {
      200: jsonContent(
        z.object({ valid: z.boolean(), issues: z.array(issueSchema) }),
        'Draft replaced',
      ),
      400: jsonContent(errorSchema, 'Not an export document'),
    },
  }),
  purge: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/definition/purge',
    tags: tag,
    summary:
      'Drop the stored data of a retired field or table (irreversible); publishes a new version',
    request: {
      params,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({ table: z.string().max(63), field: z.string().max(63).optional() })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: jsonContent(z.object({ version: z.number(), sql: z.array(z.string()) }), 'Purged'),
      409: jsonContent(errorSchema, 'Not a retired field or table'),
    },
  }),
  schema: createRoute({
    method: 'get',
    path: '/api/definition-schema.json',
    tags: tag,
    summary: 'JSON Schema of the app definition',
    responses: { 200: jsonContent(z.unknown(), 'JSON Schema') },
  }),
};

export interface DefinitionRouteDeps {
  readonly db: Db;
  readonly checkCel?: CelChecker;
}

function planBody(plan: PublishPlan) {
  return {
    fromVersion: plan.fromVersion,
    version: plan.version,
    steps: plan.steps.map((s) => ({
      step: { ...s.step },
      sql: [...s.sql],
      ...(s.cast ? { cast: s.cast } : {}),
    })),
  };
}

export function definitionRoutes({ db, checkCel }: DefinitionRouteDeps) {
  const space = (key: string) => getSpaceOrThrow(db, key);
  const check = async (spaceId: string, definition: unknown) => {
    const published = await getPublished(db, spaceId);
    const result = validateDefinition(definition, {
      previous: published.version > 0 ? published.definition : undefined,
      checkCel,
    });
    return { valid: result.ok, issues: result.ok ? [] : [...result.issues] };
  };
  const definitionAt = async (spaceId: string, which: string) => {
    if (which === 'draft') {
      const draft = await getDraft(db, spaceId);
      const parsed = validateDefinition(draft.definition);
      if (!parsed.ok)
        throw new BatonError(
          'DRAFT_INVALID',
          422,
          'the draft does not parse as a definition; validate it first',
          { issues: parsed.issues },
        );
      return parsed.value;
    }
    const version = Number(which);
    if (version === 0) return { formatVersion: 1 as const, tables: [] };
    return (await getVersionOrThrow(db, spaceId, version)).definition;
  };

  /** The space, once the caller may edit its definition (administrators and editing roles). */
  const editor = async (c: Context, key: string) => {
    const s = await space(key);
    const published = await getPublished(db, s.id);
    const access = await requestAccess(c, db, s.id, published.version, published.definition);
    if (!access.editDefinition || access.viewAs !== null) {
      throw new ForbiddenError('edit the definition of', `space "${key}"`);
    }
    return s;
  };
  /** Members of the space read its published definition (forms are generated from it). */
  const reader = async (c: Context, spaceId: string) => {
    const published = await getPublished(db, spaceId);
    const access = await requestAccess(c, db, spaceId, published.version, published.definition);
    if (!access.bypass && access.roles.length === 0) {
      throw new ForbiddenError('read', 'the definition of a space you are not a member of');
    }
  };
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.schema, (c) => c.json(appDefinitionJsonSchema(), 200))
    .openapi(routes.purge, async (c) => {
      const s = await editor(c, c.req.valid('param').space);
      const purged = await purgeRetired(db, s, c.req.valid('json'));
      await recordAdminAction(db, requestActor(c), {
        action: 'definition.purge',
        spaceId: s.id,
        target: s.key,
        details: { request: c.req.valid('json') },
      });
      return c.json(purged, 201);
    })
    .openapi(routes.published, async (c) => {
      const s = await space(c.req.valid('param').space);
      await reader(c, s.id);
      return c.json(await getPublished(db, s.id), 200);
    })
    .openapi(routes.getDraft, async (c) => {
      const s = await editor(c, c.req.valid('param').space);
      return c.json(await getDraft(db, s.id), 200);
    })
    .openapi(routes.putDraft, async (c) => {
      const s = await editor(c, c.req.valid('param').space);
      const definition = c.req.valid('json');
      const published = await getPublished(db, s.id);
      await saveDraft(db, s.id, definition, published.version, actingUserId(requestActor(c)));
      return c.json(await check(s.id, definition), 200);
    })
    .openapi(routes.validate, async (c) => {
      const s = await editor(c, c.req.valid('param').space);
      return c.json(await check(s.id, (await getDraft(db, s.id)).definition), 200);
    })
    .openapi(routes.preview, async (c) => {
      const s = await editor(c, c.req.valid('param').space);
      return c.json(planBody(await previewPublish(db, s, { checkCel })), 200);
    })
    .openapi(routes.publish, async (c) => {
      const s = await editor(c, c.req.valid('param').space);
      // The audit entry commits with the new version, or neither does.
      const plan = await publishDraft(db, s, {
        checkCel,
        within: (tx, done) =>
          recordAdminAction(tx, requestActor(c), {
            action: 'definition.publish',
            spaceId: s.id,
            target: s.key,
            details: {
              fromVersion: done.fromVersion,
              version: done.version,
              steps: done.steps.length,
            },
          }),
      });
      return c.json(planBody(plan), 201);
    })
    .openapi(routes.versions, async (c) => {
      const s = await editor(c, c.req.valid('param').space);
      return c.json({ versions: await listVersions(db, s.id) }, 200);
    })
    .openapi(routes.version, async (c) => {
      const { space: key, version } = c.req.valid('param');
      const s = await editor(c, key);
      return c.json(await getVersionOrThrow(db, s.id, version), 200);
    })
    .openapi(routes.diff, async (c) => {
      const s = await editor(c, c.req.valid('param').space);
      const { from, to } = c.req.valid('query');
      const changes = diffDefinitions(await definitionAt(s.id, from), await definitionAt(s.id, to));
      return c.json({ changes }, 200);
    })
    .openapi(routes.exportDefinition, async (c) => {
      const s = await editor(c, c.req.valid('param').space);
      const published = await getPublished(db, s.id);
      c.header(
        'Content-Disposition',
        `attachment; filename="${s.key}-v${published.version}.baton.json"`,
      );
      return c.json(
        {
          baton: 'definition',
          formatVersion: 1,
          space: s.key,
          version: published.version,
          exportedAt: new Date().toISOString(),
          definition: published.definition,
        },
        200,
      );
    })
    .openapi(routes.importDefinition, async (c) => {
      const s = await editor(c, c.req.valid('param').space);
      const { definition } = c.req.valid('json');
      const published = await getPublished(db, s.id);
      await saveDraft(db, s.id, definition, published.version, actingUserId(requestActor(c)));
      return c.json(await check(s.id, definition), 200);
    });
}
