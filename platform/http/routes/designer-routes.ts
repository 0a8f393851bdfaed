// Designer helpers: simulate a flow as drawn (before publishing) and type-check one CEL expression
// against a table of the draft, so editors can underline errors as the admin types.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { compileCel } from '../../../runtime/cel/compile-cel';
import type { CelType } from '../../../runtime/cel/cel-type-of-field';
import {
  appDefinitionSchema,
  type AppDefinition,
} from '../../../runtime/definition/definition-schema';
import { compileFlow } from '../../../runtime/flows/compile-flow';
import { createFlowClock } from '../../../runtime/flows/flow-clock';
import { flowSchema } from '../../../runtime/flows/flow-schema';
import { simulateFlow } from '../../../runtime/flows/simulate-flow';
import { defaultCnCalendar } from '../../../runtime/time/cn-holidays';
import type { Db } from '../../db/database';
import { getDraft, getPublished } from '../../definitions/definition-store';
import { BatonError, NotFoundError } from '../../errors';
import { ForbiddenError } from '../../permissions/permission-errors';
import { requestAccess } from '../../permissions/request-access';
import { getSpaceOrThrow } from '../../spaces/space-repository';
import { errorSchema, jsonContent } from '../schemas';
import { simulationScript } from '../simulation-schema';
import { validationHook } from '../validation-hook';

const params = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' } }),
});
const celTypes = ['bool', 'string', 'int', 'double', 'timestamp', 'dyn'] as const;
const celIssueSchema = z.object({
  code: z.string(),
  message: z.string(),
  line: z.number(),
  column: z.number(),
  endLine: z.number(),
  endColumn: z.number(),
});
const tags = ['designer'];

const routes = {
  simulateDraft: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/flows/simulate-draft',
    tags,
    summary:
      'Play a script of events against a flow as drawn (not yet published), over the draft table; returns the trace',
    request: {
      params,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                flow: z.record(z.string(), z.unknown()),
                ...simulationScript,
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: jsonContent(
        z.object({
          trace: z.array(z.record(z.string(), z.unknown())),
          state: z.record(z.string(), z.unknown()),
        }),
        'The trace',
      ),
      400: jsonContent(errorSchema, 'Invalid input'),
      404: jsonContent(errorSchema, 'No such space or table'),
      422: jsonContent(errorSchema, 'The flow does not parse or compile; details.issues lists why'),
    },
  }),
  checkCel: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/cel/check',
    tags,
    summary:
      'Type-check one CEL expression against a table of the draft (or the published version)',
    request: {
      params,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                table: z.string().max(63),
                expression: z.string().max(5_000),
                expect: z.enum(celTypes).optional(),
                /** `old` (update triggers) and `user` (assignment candidates) in scope. */
                old: z.boolean().optional(),
                user: z.boolean().optional(),
                variables: z.record(z.string().max(63), z.string().max(60)).optional(),
                from: z.enum(['draft', 'published']).optional(),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: jsonContent(
        z.object({
          ok: z.boolean(),
          resultType: z.string().nullable(),
          issues: z.array(celIssueSchema),
        }),
        'Problems (none when fine) and the result type',
      ),
      400: jsonContent(errorSchema, 'Invalid input'),
      404: jsonContent(errorSchema, 'No such space or table'),
    },
  }),
};

/** The draft when it parses, else the published version: editors keep working on a broken draft. */
async function designDefinition(db: Db, spaceId: string, from: 'draft' | 'published') {
  const published = await getPublished(db, spaceId);
  if (from === 'draft') {
    const parsed = appDefinitionSchema.safeParse((await getDraft(db, spaceId)).definition);
    if (parsed.success) return { published, definition: parsed.data };
  }
  return { published, definition: published.definition };
}

function tableOrThrow(definition: AppDefinition, key: string) {
  const table = definition.tables.find((t) => t.key === key);
  if (!table) throw new NotFoundError('table', key);
  return table;
}

export function designerRoutes({ db }: { readonly db: Db }) {
  const editor = async (c: Context, key: string, from: 'draft' | 'published') => {
    const space = await getSpaceOrThrow(db, key);
    const { published, definition } = await designDefinition(db, space.id, from);
    const access = await requestAccess(c, db, space.id, published.version, published.definition);
    if (!access.editDefinition)
      throw new ForbiddenError('edit the definition of', `space "${key}"`);
    return definition;
  };
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.simulateDraft, async (c) => {
      const body = c.req.valid('json');
      const definition = await editor(c, c.req.valid('param').space, 'draft');
      const parsed = flowSchema.safeParse(body.flow);
      if (!parsed.success) {
        throw new BatonError('FLOW_INVALID', 422, 'the flow does not parse / 流程结构不正确', {
          issues: parsed.error.issues.map((i) => ({
            pointer: '/' + i.path.map(String).join('/'),
            message: i.message,
          })),
        });
      }
      const table = tableOrThrow(definition, parsed.data.table);
      const compiled = compileFlow(parsed.data, table.fields);
      if (!compiled.ok) {
        throw new BatonError('FLOW_INVALID', 422, 'the flow does not compile / 流程表达式有误', {
          issues: compiled.issues,
        });
      }
      const result = simulateFlow(
        compiled.value,
        {
          record: body.record,
          start: body.start ?? new Date().toISOString(),
          events: body.events,
          until: body.until,
        },
        createFlowClock(defaultCnCalendar()),
      );
      return c.json(
        { trace: result.trace.map((t) => ({ ...t })), state: { ...result.state } },
        200,
      );
    })
    .openapi(routes.checkCel, async (c) => {
      const body = c.req.valid('json');
      const definition = await editor(c, c.req.valid('param').space, body.from ?? 'draft');
      const table = tableOrThrow(definition, body.table);
      const scope = {
        record: table.fields,
        old: body.old,
        user: body.user,
        variables: body.variables as Record<string, CelType> | undefined,
      };
      const options = body.expect ? { expect: body.expect as CelType } : {};
      let compiled;
      try {
        compiled = compileCel(body.expression, scope, options);
      } catch (error) {
        // A variable name cel-js cannot declare is the caller's mistake.
        throw new BatonError('VALIDATION_FAILED', 400, (error as Error).message);
      }
      return c.json(
        {
          ok: compiled.ok,
          resultType: compiled.ok ? compiled.value.resultType : null,
          issues: compiled.ok ? [] : compiled.issues.map((i) => ({ ...i })),
        },
        200,
      );
    });
}
