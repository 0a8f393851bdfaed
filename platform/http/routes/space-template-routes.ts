// A space as a template: export it, and upgrade it to a newer version of the pack it came from.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { CelChecker } from '../../../runtime/definition/validate-definition';
import { parseTemplate } from '../../../runtime/templates/parse-template';
import type { Template } from '../../../runtime/templates/template-schema';
import { recordAdminAction } from '../../auth/admin-audit';
import type { Db } from '../../db/database';
import { getPublished } from '../../definitions/definition-store';
import { BatonError } from '../../errors';
import type { Actor } from '../../people/actor';
import { requestAccess } from '../../permissions/request-access';
import { assertAdmin } from '../../permissions/record-guard';
import { getSpaceOrThrow } from '../../spaces/space-repository';
import { exportSpaceTemplate } from '../../templates/export-space';
import { getInstalledTemplate } from '../../templates/installed-template-repository';
import type { TemplateCatalog } from '../../templates/template-catalog';
import { upgradeTemplate } from '../../templates/upgrade-template';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

const tags = ['templates'];
const spaceParam = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' }, example: 'meddev' }),
});

/** 400: a template document that does not parse; `details.issues` points at each problem. */
export class TemplateInvalidError extends BatonError {
  constructor(issues: readonly { pointer: string; message: { en: string } }[]) {
    super(
      'TEMPLATE_INVALID',
      400,
      `the template is not valid: ${issues
        .slice(0, 3)
        .map((i) => `${i.pointer} ${i.message.en}`)
        .join('; ')}`,
      { issues },
    );
  }
}

/** Parses a template document sent in a request, or refuses it with every problem. */
export function templateFromBody(document: unknown): Template {
  const parsed = parseTemplate(document);
  if (!parsed.ok) throw new TemplateInvalidError(parsed.issues);
  return parsed.value;
}

const conflictSchema = z
  .object({
    pointer: z.string().openapi({ example: '/tables/lead/fields/name/label/zh-CN' }),
    kind: z.enum(['changed_both', 'removed_ours', 'removed_theirs', 'added_both']),
    base: z.unknown().optional(),
    ours: z.unknown().optional(),
    theirs: z.unknown().optional(),
  })
  .openapi('TemplateMergeConflict');

const resolutionSchema = z.union([
  z.object({ pointer: z.string(), take: z.enum(['ours', 'theirs', 'base']) }).strict(),
  z.object({ pointer: z.string(), value: z.unknown() }).strict(),
]);

const upgradePlanSchema = z
  .object({
    from: z.object({ key: z.string(), version: z.string() }),
    to: z.object({ key: z.string(), version: z.string() }),
    params: z.record(z.string(), z.unknown()),
    merged: z.record(z.string(), z.unknown()),
    conflicts: z.array(conflictSchema),
    unusedResolutions: z.array(z.record(z.string(), z.unknown())),
    changes: z.array(z.record(z.string(), z.unknown())),
    issues: z.array(z.record(z.string(), z.unknown())),
    draftPending: z.boolean(),
    addedUsers: z.array(z.string()).openapi({ description: 'Demo users the new version adds' }),
    applied: z.boolean(),
    version: z.number().int().optional(),
  })
  .openapi('TemplateUpgradePlan');

const routes = {
  export: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/template',
    tags,
    summary:
      "The space's published definition as a template document (installs it again unchanged)",
    request: {
      params: spaceParam,
      query: z.object({
        key: z
          .string()
          .regex(/^[a-z][a-z0-9-]{0,62}$/)
          .optional(),
        version: z.string().max(100).optional().openapi({ example: '1.1.0' }),
        members: z
          .enum(['true', 'false'])
          .optional()
          .openapi({ description: "Include the space's members as demo users" }),
        definitionVersion: z.coerce
          .number()
          .int()
          .min(1)
          .optional()
          .openapi({ description: 'A published version to export; the newest by default' }),
      }),
    },
    responses: {
      200: jsonContent(z.record(z.string(), z.unknown()), 'A template document'),
      403: jsonContent(errorSchema, 'Not an administrator of the space'),
      404: jsonContent(errorSchema, 'No such space or version'),
    },
  }),
  installed: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/template/installed',
    tags,
    summary: 'Which pack version and parameters the space was installed (or last upgraded) from',
    request: { params: spaceParam },
    responses: {
      200: jsonContent(
        z.object({
          key: z.string(),
          version: z.string(),
          params: z.record(z.string(), z.unknown()),
          installedAt: z.string(),
          demoSeededAt: z.string().nullable(),
        }),
        'The installed pack',
      ),
      404: jsonContent(errorSchema, 'No such space, or not installed from a pack'),
    },
  }),
  upgrade: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/template/upgrade',
    tags,
    summary: 'Upgrade to a newer pack version, keeping the changes made in the space',
    description:
      "Three-way merge of the pack version the space was installed from, the space's published definition and the new version (sent as `template`, else the shipped pack of the same key). Without `apply` the merged draft, what it would change and the conflicts are answered and nothing is written. With `apply: true` it is published only when no conflict is left (settle them with `resolutions`) and it validates; otherwise 409 UPGRADE_CONFLICTS.",
    request: {
      params: spaceParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                template: z.record(z.string(), z.unknown()).optional(),
                params: z.record(z.string(), z.unknown()).optional(),
                resolutions: z.array(resolutionSchema).max(1000).optional(),
                apply: z.boolean().optional(),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: jsonContent(upgradePlanSchema, 'The plan (not applied), or applied with no change'),
      201: jsonContent(upgradePlanSchema, 'Applied: a new version was published'),
      400: jsonContent(errorSchema, 'Template or parameters invalid'),
      403: jsonContent(errorSchema, 'Not an administrator of the space'),
      404: jsonContent(errorSchema, 'No such space or template'),
      409: jsonContent(
        errorSchema,
        'Conflicts or definition problems left (UPGRADE_CONFLICTS), unpublished draft changes (DRAFT_PENDING), not installed from a pack, another pack',
      ),
    },
  }),
};

export interface SpaceTemplateRouteDeps {
  readonly db: Db;
  readonly catalog: TemplateCatalog;
  readonly checkCel?: CelChecker;
  readonly actorOf: (c: Context) => Actor;
}

export function spaceTemplateRoutes(deps: SpaceTemplateRouteDeps) {
  const { db } = deps;
  const assertSpaceAdmin = async (c: Context, key: string) => {
    const space = await getSpaceOrThrow(db, key);
    const published = await getPublished(db, space.id);
    const access = await requestAccess(c, db, space.id, published.version, published.definition);
    assertAdmin(access, `the template of space "${key}"`);
    return space;
  };
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.export, async (c) => {
      const { space } = c.req.valid('param');
      await assertSpaceAdmin(c, space);
      const query = c.req.valid('query');
      const template = await exportSpaceTemplate(db, space, {
        key: query.key,
        version: query.version,
        members: query.members === 'true',
        definitionVersion: query.definitionVersion,
      });
      const checked = parseTemplate(template);
      if (!checked.ok) throw new TemplateInvalidError(checked.issues);
      c.header('content-disposition', `attachment; filename="${template.key}.template.json"`);
      return c.json(template as unknown as Record<string, unknown>, 200);
    })
    .openapi(routes.installed, async (c) => {
      const { space } = c.req.valid('param');
      const row = await assertSpaceAdmin(c, space);
      const installed = await getInstalledTemplate(db, row.id);
      if (!installed) throw new BatonError('NOT_FOUND', 404, `space "${space}" has no pack`);
      return c.json(
        {
          key: installed.template.key,
          version: installed.template.version,
          params: { ...installed.params },
          installedAt: installed.installedAt,
          demoSeededAt: installed.demoSeededAt,
        },
        200,
      );
    })
    .openapi(routes.upgrade, async (c) => {
      const { space } = c.req.valid('param');
      const row = await assertSpaceAdmin(c, space);
      const body = c.req.valid('json');
      let template: Template;
      if (body.template) template = templateFromBody(body.template);
      else {
        const installed = await getInstalledTemplate(db, row.id);
        if (!installed)
          throw new BatonError(
            'NOT_INSTALLED_FROM_TEMPLATE',
            409,
            `space "${space}" was not installed from a template`,
          );
        template = await deps.catalog.getOrThrow(installed.template.key);
      }
      const plan = await upgradeTemplate(db, space, template, body, {
        actor: deps.actorOf(c),
        checkCel: deps.checkCel,
      });
      if (plan.applied)
        await recordAdminAction(db, deps.actorOf(c), {
          action: 'template.upgrade',
          target: template.key,
          details: { space: row, from: plan.from, to: plan.to, version: plan.version },
        });
      const published = plan.applied && plan.changes.length > 0;
      const answer = JSON.parse(JSON.stringify(plan)) as z.infer<typeof upgradePlanSchema>;
      return published ? c.json(answer, 201) : c.json(answer, 200);
    });
}
