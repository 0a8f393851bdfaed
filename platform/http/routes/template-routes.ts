// Templates API: the starter packs with their parameters, installing one (shipped or sent) into a
// space, optionally with demo data; a space's own template routes are in space-template-routes.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { CelChecker } from '../../../runtime/definition/validate-definition';
import type { Template } from '../../../runtime/templates/template-schema';
import { recordAdminAction } from '../../auth/admin-audit';
import type { Db } from '../../db/database';
import { BatonError } from '../../errors';
import type { Actor } from '../../people/actor';
import { requestActor } from '../request-actor';
import type { FileStore } from '../../files/file-store';
import { seedDemoData } from '../../templates/demo-data';
import { installTemplate, type InstallResult } from '../../templates/install-template';
import { createTemplateCatalog, type TemplateCatalog } from '../../templates/template-catalog';
import {
  errorSchema,
  identifierSchema,
  jsonContent,
  localizedTextSchema,
  spaceSchema,
} from '../schemas';
import { validationHook } from '../validation-hook';
import { spaceTemplateRoutes, templateFromBody } from './space-template-routes';

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
    demo: z
      .object({
        created: z.number().int(),
        existing: z.number().int(),
        byStage: z.record(z.string(), z.number().int()),
        accepted: z.number().int(),
      })
      .optional()
      .openapi({ description: 'Demo leads, when `demo` was asked for' }),
  })
  .openapi('TemplateInstall');

const installBody = {
  space: identifierSchema,
  name: localizedTextSchema.optional(),
  params: z
    .record(z.string(), z.unknown())
    .optional()
    .openapi({ example: { first_response: 'PT2H', capacity: 6 } }),
  demo: z.boolean().optional().openapi({
    description:
      'Also create realistic demo leads (every stage, escalations running) through the normal pipeline; never twice',
  }),
};

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
            schema: z.object(installBody).strict(),
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
  import: createRoute({
    method: 'post',
    path: '/api/templates/import',
    tags,
    summary: 'Install a template document (e.g. one exported from a space) into a space',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({ template: z.record(z.string(), z.unknown()), ...installBody })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: jsonContent(installResultSchema, 'Installed'),
      200: jsonContent(installResultSchema, 'Already installed'),
      400: jsonContent(errorSchema, 'Template (TEMPLATE_INVALID) or parameters invalid'),
      409: jsonContent(errorSchema, 'A type change would lose values'),
      422: jsonContent(errorSchema, "The template does not fit the space's published definition"),
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
  /** Where demo data's evidence files are stored; without it `demo` is refused. */
  readonly files?: FileStore;
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
      const { status, body } = await install(c, template, c.req.valid('json'));
      return status === 201 ? c.json(body, 201) : c.json(body, 200);
    })
    .openapi(routes.import, async (c) => {
      const { template: document, ...request } = c.req.valid('json');
      const { status, body } = await install(c, templateFromBody(document), request);
      return status === 201 ? c.json(body, 201) : c.json(body, 200);
    })
    .route('/', spaceTemplateRoutes({ db: deps.db, catalog, checkCel: deps.checkCel, actorOf }));

  async function install(
    c: Context,
    template: Template,
    request: {
      space: string;
      name?: { 'zh-CN': string; en: string };
      params?: Record<string, unknown>;
      demo?: boolean;
    },
  ) {
    if (request.demo && !deps.files)
      throw new BatonError(
        'DEMO_UNAVAILABLE',
        400,
        'this server stores no files; demo data is unavailable',
      );
    const result: InstallResult = await installTemplate(deps.db, template, request, {
      actor: actorOf(c),
      checkCel: deps.checkCel,
    });
    const demo =
      request.demo && deps.files
        ? await seedDemoData(deps.db, result.space.key, {
            files: deps.files,
            settleHandoversMs: 15_000,
          })
        : undefined;
    await recordAdminAction(deps.db, actorOf(c), {
      action: 'template.install',
      target: template.key,
      details: {
        space: result.space,
        version: result.version,
        changed: result.changed,
        users: result.users.length,
        ...(demo && { demo: demo.created }),
      },
    });
    const body = {
      space: result.space,
      version: result.version,
      changed: result.changed,
      users: result.users.map((u) => ({ ...u, roles: [...u.roles] })),
      ...(demo && { demo: { ...demo, byStage: { ...demo.byStage } } }),
    };
    const status = result.changed || result.spaceCreated || (demo?.created ?? 0) > 0 ? 201 : 200;
    return { status, body } as const;
  }
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
