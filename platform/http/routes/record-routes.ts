// Records API of a designed table: create, read, update, soft delete, restore, list, history.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { recordFilterSchema } from '../../../runtime/records/record-filter';
import type { Db } from '../../db/database';
import { BatonError } from '../../errors';
import { expandRecords } from '../../records/record-expansion';
import { recordHistory } from '../../records/record-history';
import { listRecords, QueryInvalidError, type ListQuery } from '../../records/record-query';
import { createRecord, setRecordDeleted, updateRecord } from '../../records/record-service';
import type { RecordJson } from '../../records/record-values';
import { resolveTable, type TableContext } from '../../records/table-context';
import {
  assertCanCreate,
  assertExpandable,
  inScope,
  presentHistory,
  presentRecord,
  readRecordAs,
  scopedListQuery,
  writeGuard,
} from '../../permissions/record-guard';
import { duplicateAsSeenBy } from '../../permissions/duplicate-answer';
import { presentExpanded } from '../../permissions/related-records';
import { actingUserId, requestAccess } from '../../permissions/request-access';
import type { SpaceAccess } from '../../permissions/space-access';
import { requestActor } from '../request-actor';
import type { Context } from 'hono';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

const tableParams = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' } }),
  table: z
    .string()
    .max(63)
    .openapi({ param: { name: 'table', in: 'path' } }),
});
const recordParams = tableParams.extend({
  id: z
    .string()
    .uuid('must be a record id (uuid)')
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const recordSchema = z.record(z.string(), z.unknown()).openapi('Record', {
  description: 'System fields (id, version, created_at, …) and the table’s own fields',
});
const valuesSchema = z.record(z.string(), z.unknown()).openapi('RecordValues');
const expandSchema = z.string().max(500).optional();
const listQuerySchema = z.object({
  filter: z.string().max(20_000).optional().openapi({
    description: 'JSON RecordFilter, e.g. {"field":"province","op":"eq","value":"浙江"}',
  }),
  q: z.string().max(200).optional(),
  sort: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'Comma-separated, "-" for descending' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(2000).optional(),
  deleted: z.enum(['exclude', 'only', 'include']).default('exclude'),
  expand: expandSchema,
});
const queryBodySchema = z
  .object({
    // Checked against recordFilterSchema in the handler: the OpenAPI generator cannot walk a
    // recursive zod schema.
    filter: z.record(z.string(), z.unknown()).optional().openapi({
      description: 'RecordFilter: {field, op, value} | {and: [...]} | {or: [...]} | {not: ...}',
    }),
    q: z.string().max(200).optional(),
    sort: z.array(z.string().max(64)).max(3).optional(),
    limit: z.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
    deleted: z.enum(['exclude', 'only', 'include']).default('exclude'),
    expand: z.array(z.string().max(63)).max(10).optional(),
  })
  .strict();
const listResponse = jsonContent(
  z.object({ records: z.array(recordSchema), nextCursor: z.string().nullable() }),
  'A page of records',
);
const recordResponse = (description: string) =>
  jsonContent(z.object({ record: recordSchema }), description);
const refusals = {
  400: jsonContent(errorSchema, 'Invalid input, with per-field issues'),
  404: jsonContent(errorSchema, 'No such space, table or record'),
  409: jsonContent(errorSchema, 'Version conflict or unique violation'),
};
const tags = ['records'];
const formQuery = z.object({
  form: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a form key')
    .optional()
    .openapi({ description: 'The form the record was submitted through (starts its flows)' }),
});
const base = '/api/spaces/{space}/tables/{table}/records';

const routes = {
  create: createRoute({
    method: 'post',
    path: base,
    tags,
    summary: 'Create a record',
    request: {
      params: tableParams,
      query: formQuery,
      body: { required: true, content: { 'application/json': { schema: valuesSchema } } },
    },
    responses: { 201: recordResponse('Created'), ...refusals },
  }),
  list: createRoute({
    method: 'get',
    path: base,
    tags,
    summary: 'List records with filters, search, sort and cursor pagination',
    request: { params: tableParams, query: listQuerySchema },
    responses: { 200: listResponse, 400: refusals[400], 404: refusals[404] },
  }),
  query: createRoute({
    method: 'post',
    path: `${base}/query`,
    tags,
    summary: 'List records with a filter in the body',
    request: {
      params: tableParams,
      body: { required: true, content: { 'application/json': { schema: queryBodySchema } } },
    },
    responses: { 200: listResponse, 400: refusals[400], 404: refusals[404] },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{id}`,
    tags,
    summary: 'Read a record',
    request: { params: recordParams, query: z.object({ expand: expandSchema }) },
    responses: { 200: recordResponse('The record'), 404: refusals[404] },
  }),
  update: createRoute({
    method: 'patch',
    path: `${base}/{id}`,
    tags,
    summary: 'Update fields; needs the version read (body "version" or If-Match)',
    request: {
      params: recordParams,
      query: formQuery,
      body: { required: true, content: { 'application/json': { schema: valuesSchema } } },
    },
    responses: {
      200: recordResponse('Updated'),
      ...refusals,
      422: jsonContent(
        errorSchema,
        'GATE_BLOCKED: the stage move lacks what its gate requires; details.missing lists every item',
      ),
      428: jsonContent(errorSchema, 'No version given'),
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: `${base}/{id}`,
    tags,
    summary: 'Soft-delete a record (its data stays; restore brings it back)',
    request: {
      params: recordParams,
      query: z.object({ version: z.coerce.number().int().min(1).optional() }),
    },
    responses: { 200: recordResponse('Deleted'), ...refusals },
  }),
  restore: createRoute({
    method: 'post',
    path: `${base}/{id}/restore`,
    tags,
    summary: 'Restore a soft-deleted record',
    request: { params: recordParams },
    responses: { 200: recordResponse('Restored'), ...refusals },
  }),
  history: createRoute({
    method: 'get',
    path: `${base}/{id}/history`,
    tags,
    summary: 'Every change of the record: who, when, field, before, after, source',
    request: { params: recordParams },
    responses: {
      200: jsonContent(
        z.object({ entries: z.array(z.record(z.string(), z.unknown())) }),
        'Oldest first',
      ),
      404: refusals[404],
    },
  }),
};

const metaOf = (c: Context) => ({ actor: actingUserId(requestActor(c)), source: 'api' as const });

/** A write submitted through one of the definition's forms: audited as `form`, starts its flows. */
function formMetaOf(c: Context, context: TableContext, form: string | undefined) {
  if (form === undefined) return metaOf(c);
  const found = (context.definition.forms ?? []).find((f) => f.key === form);
  if (!found || found.table !== context.table.key) {
    throw new BatonError(
      'UNKNOWN_FORM',
      400,
      `no published form "${form}" writes table "${context.table.key}"`,
    );
  }
  return { ...metaOf(c), source: 'form' as const, form };
}

export function recordRoutes(db: Db) {
  /** The table and the caller's rights on it: every handler starts here. */
  const resolve = async (c: Context, params: { space: string; table: string }) => {
    const context = await resolveTable(db, params.space, params.table);
    const space = await requestAccess(c, db, context.space.id, context.version, context.definition);
    return { context, space, access: space.table(context.table.key) };
  };
  const show = async (
    context: TableContext,
    space: SpaceAccess,
    records: RecordJson[],
    expand: readonly string[],
  ) => {
    assertExpandable(space.table(context.table.key), expand);
    const expanded = await expandRecords(db, context, records, expand);
    return presentExpanded(db, context, space, expanded);
  };
  const run = async (
    c: Context,
    params: { space: string; table: string },
    query: ListQuery,
    expand: readonly string[],
  ) => {
    const { context, space, access } = await resolve(c, params);
    const page = await listRecords(db, context, scopedListQuery(context, access, query));
    return { ...page, records: await show(context, space, page.records, expand) };
  };

  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.create, async (c) => {
      const { context, access } = await resolve(c, c.req.valid('param'));
      const input = c.req.valid('json');
      assertCanCreate(access, input);
      const meta = formMetaOf(c, context, c.req.valid('query').form);
      const record = await createRecord(db, context, input, meta).catch(async (error: unknown) => {
        throw await duplicateAsSeenBy(db, context, access, error);
      });
      // Rules may hand the new record to someone else: then its creator sees only its id.
      const visible = await inScope(db, context, access, 'read', String(record.id));
      return c.json({ record: visible ? presentRecord(access, record) : { id: record.id } }, 201);
    })
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const query: ListQuery = {
        filter: q.filter === undefined ? undefined : parseFilter(q.filter),
        search: q.q,
        sort: q.sort
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        limit: q.limit,
        cursor: q.cursor,
        deleted: q.deleted,
      };
      return c.json(await run(c, c.req.valid('param'), query, splitList(q.expand)), 200);
    })
    .openapi(routes.query, async (c) => {
      const body = c.req.valid('json');
      const query: ListQuery = {
        filter: body.filter === undefined ? undefined : checkFilter(body.filter),
        search: body.q,
        sort: body.sort,
        limit: body.limit,
        cursor: body.cursor,
        deleted: body.deleted,
      };
      return c.json(await run(c, c.req.valid('param'), query, body.expand ?? []), 200);
    })
    .openapi(routes.get, async (c) => {
      const { context, space, access } = await resolve(c, c.req.valid('param'));
      const record = await readRecordAs(db, context, access, c.req.valid('param').id);
      const [shown] = await show(context, space, [record], splitList(c.req.valid('query').expand));
      return c.json({ record: shown ?? presentRecord(access, record) }, 200);
    })
    .openapi(routes.update, async (c) => {
      const { space, table, id } = c.req.valid('param');
      const { version: bodyVersion, ...values } = c.req.valid('json');
      const version = bodyVersion ?? parseIfMatch(c.req.header('If-Match'));
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
        throw new BatonError(
          'VERSION_REQUIRED',
          428,
          'send the record version you read, as "version" in the body or an If-Match header',
        );
      }
      const { context, access } = await resolve(c, { space, table });
      const guard = writeGuard(context, access, 'update', values);
      const meta = formMetaOf(c, context, c.req.valid('query').form);
      const record = await updateRecord(db, context, id, values, version, { ...meta, guard });
      return c.json({ record: presentRecord(access, record) }, 200);
    })
    .openapi(routes.remove, async (c) => {
      const { id } = c.req.valid('param');
      const { context, access } = await resolve(c, c.req.valid('param'));
      const options = { ...metaOf(c), guard: writeGuard(context, access, 'delete') };
      const record = await setRecordDeleted(
        db,
        context,
        id,
        true,
        c.req.valid('query').version,
        options,
      );
      return c.json({ record: presentRecord(access, record) }, 200);
    })
    .openapi(routes.restore, async (c) => {
      const { id } = c.req.valid('param');
      const { context, access } = await resolve(c, c.req.valid('param'));
      const options = { ...metaOf(c), guard: writeGuard(context, access, 'delete') };
      const record = await setRecordDeleted(db, context, id, false, undefined, options);
      return c.json({ record: presentRecord(access, record) }, 200);
    })
    .openapi(routes.history, async (c) => {
      const { id } = c.req.valid('param');
      const { context, access } = await resolve(c, c.req.valid('param'));
      const record = await readRecordAs(db, context, access, id, true);
      const entries = await recordHistory(db, context.space.id, context.table.key, id);
      return c.json({ entries: presentHistory(access, record, entries) }, 200);
    });
}

function parseFilter(text: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new QueryInvalidError('filter is not valid JSON');
  }
  return checkFilter(parsed);
}

function checkFilter(parsed: unknown) {
  const result = recordFilterSchema.safeParse(parsed);
  if (!result.success) {
    throw new QueryInvalidError(
      `filter is malformed: ${result.error.issues.map((i) => `/${i.path.join('/')} ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}

function parseIfMatch(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const n = Number(header.replace(/^W\//, '').replaceAll('"', ''));
  return Number.isInteger(n) ? n : undefined;
}

function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
