// Templates API: the starter packs with their parameters, and installing one into a space.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { CelChecker } from '../../../runtime/definition/validate-definition';
import type { Template } from '../../../runtime/templates/template-schema';
import { recordAdminAction } from '../../auth/admin-audit';
import type { Db } from '../../db/database';
import type { Actor } from '../../people/actor';
import { requestActor } from '../request-actor';
import { installTemplate } from '../../templates/install-template';
import { createTemplateCatalog, type TemplateCatalog } from '../../templates/template-catalog';
import {
  errorSchema,
  identifierSchema,
  jsonContent,
  localizedTextSchema,
  spaceSchema,
} from '../schemas';
import { validationHook } from '../validation-hook';

const tags = ['templates'];
const text = z.object({ 'zh-CN': z.string(), en: z.string() });

const parameterSchema = z
  .object({
    type: z.enum(['duration', 'integer', 'number', 'string', 'string_list', 'boolean']),
    default: z.unknown(),
    label: text,
    description: text.optional(),
    min: z.union([z.number(), z.string()]).optional(),
    max: z.union([z.number(), z.string()]).optional(),
  })
  .openapi('TemplateParameter');

const templateSummarySchema = z
  .object({
    key: z.string(),
    version: z.string(),
    label: text,
    description: text,
    parameters: z.record(z.string(), parameterSchema),
    demoUsers: z.number().int().openapi({ description: 'How many demo users the pack installs' }),
  })
  .openapi('TemplateSummary');

const installedUserSchema = z
  .object({
    key: z.string(),
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    roles: z.array(z.string()),
    created: z.boolean(),
  })
  .openapi('InstalledUser');

const installResultSchema = z
  .object({
    space: spaceSchema,
    version: z.number().int(),
    changed: z.boolean(),
    users: z.array(installedUserSchema),
  })
  .openapi('TemplateInstall');

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/templates',
    tags,
    summary: 'Starter packs with their parameters',
    responses: {
      200: jsonContent(z.object({ templates: z.array(templateSummarySchema) }), 'By key'),
    },
  }),
  install: createRoute({
    method: 'post',
    path: '/api/templates/{key}/install',
    tags,
    summary:
      'Install a pack into a space (created when missing): demo users, then the definition, published',
    description:
      'Parameters missing from `params` take their defaults; values may be JSON-typed or text (`"3"`, `"PT2S"`, `"故障,停机"`). Installing again with the same parameters publishes nothing and answers 200 with `changed: false`.',
    request: {
      params: z.object({
        key: z
          .string()
          .max(63)
          .openapi({ param: { name: 'key', in: 'path' }, example: 'medical-device' }),
      }),
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                space: identifierSchema,
                name: localizedTextSchema.optional(),
                params: z
                  .record(z.string(), z.unknown())
                  .optional()
                  .openapi({ example: { first_response: 'PT2H', capacity: 6 } }),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: jsonContent(
        installResultSchema,
        'Installed: a space was created or a version published',
      ),
      200: jsonContent(installResultSchema, 'Already installed with these parameters'),
      400: jsonContent(
        errorSchema,
        'Malformed body, or parameters that do not fit (TEMPLATE_PARAMS_INVALID)',
      ),
      404: jsonContent(errorSchema, 'No such template'),
      409: jsonContent(errorSchema, 'A type change would lose values'),
      422: jsonContent(errorSchema, "The pack does not fit the space's published definition"),
    },
  }),
};

export interface TemplateRouteDeps {
  readonly db: Db;
  /** The shipped packs by default. */
  readonly catalog?: TemplateCatalog;
  readonly checkCel?: CelChecker;
  /** Who is calling; the authenticated request actor by default. */
  readonly actorOf?: (c: Context) => Actor;
}

export function templateRoutes(deps: TemplateRouteDeps) {
  const catalog = deps.catalog ?? createTemplateCatalog();
  const actorOf = deps.actorOf ?? requestActor;
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.list, async (c) => {
      const templates = await catalog.list();
      return c.json({ templates: templates.map(summaryOf) }, 200);
    })
    .openapi(routes.install, async (c) => {
      const template = await catalog.getOrThrow(c.req.valid('param').key);
      const result = await installTemplate(deps.db, template, c.req.valid('json'), {
        actor: actorOf(c),
        checkCel: deps.checkCel,
      });
      await recordAdminAction(deps.db, actorOf(c), {
        action: 'template.install',
        target: template.key,
        details: {
          space: result.space,
          version: result.version,
          changed: result.changed,
          users: result.users.length,
        },
      });
      const body = {
        space: result.space,
        version: result.version,
        changed: result.changed,
        users: result.users.map((u) => ({ ...u, roles: [...u.roles] })),
      };
      return result.changed || result.spaceCreated ? c.json(body, 201) : c.json(body, 200);
    });
}

function summaryOf(template: Template) {
  return {
    key: template.key,
    version: template.version,
    label: template.label,
    description: template.description,
    parameters: template.parameters,
    demoUsers: template.demoUsers?.length ?? 0,
  };
}
