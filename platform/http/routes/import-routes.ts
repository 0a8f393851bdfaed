// Imports API: preview a CSV/.xlsx with a suggested mapping, start a background job, follow it, download its errors.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Database } from '../../db/database';
import { ImportOptionsInvalidError } from '../../imports/import-errors';
import { getJobOrThrow, jobErrors } from '../../imports/import-job-repository';
import {
  importOptionsSchema,
  previewOptionsSchema,
  type ImportOptions,
  type PreviewOptions,
} from '../../imports/import-options';
import { previewImport, startImport } from '../../imports/import-service';
import { spoolUpload } from '../../imports/upload-spool';
import { csvField } from '../../exports/export-csv';
import type { Logger } from '../../logger';
import { assertCanImport, assertImportRight } from '../../permissions/action-guards';
import { actingUserId, requestAccess, requestTableAccess } from '../../permissions/request-access';
import { requestActor } from '../request-actor';
import { resolveTable } from '../../records/table-context';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';
import { attachmentDisposition } from './file-routes';
import { rm } from 'node:fs/promises';

export interface ImportRoutesDeps {
  readonly database: Database;
  readonly logger: Logger;
  /** Largest accepted import file; 2 GiB unless set. */
  readonly maxUploadBytes?: number;
}

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
const jobParams = tableParams.extend({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
// Plain JSON Schema, not zod: a zod body schema would make the validator buffer the upload.
const uploadBody = (optionsDescription: string) => ({
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object' as const,
        properties: {
          file: { type: 'string' as const, format: 'binary', description: 'CSV or .xlsx' },
          options: { type: 'string' as const, description: optionsDescription },
        },
        required: ['file'],
      },
    },
  },
});
const issueSchema = z.object({
  row: z.number().int(),
  column: z.string().nullable(),
  field: z.string().nullable(),
  code: z.string(),
  message: z.object({ 'zh-CN': z.string(), en: z.string() }),
});
const jobSchema = z
  .object({
    id: z.string().uuid(),
    space: z.string(),
    table: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    options: z.unknown(),
    fileName: z.string(),
    fileBytes: z.number(),
    bytesRead: z.number(),
    progress: z.number().openapi({ description: 'Share of the file read, 0–1' }),
    rows: z.number(),
    created: z.number(),
    updated: z.number(),
    skipped: z.number(),
    failed: z.number(),
    errorCount: z.number(),
    errors: z.array(issueSchema).openapi({ description: 'The first 1,000 row errors' }),
    failure: z.object({ 'zh-CN': z.string(), en: z.string() }).nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('ImportJob');
const refusals = {
  400: jsonContent(errorSchema, 'Not a readable file, or options that do not fit the table'),
  404: jsonContent(errorSchema, 'No such space, table or job'),
};
const tags = ['imports'];
const base = '/api/spaces/{space}/tables/{table}/imports';

const routes = {
  preview: createRoute({
    method: 'post',
    path: `${base}/preview`,
    tags,
    summary: 'Preview the first rows of a file as they would import, with a suggested mapping',
    request: {
      params: tableParams,
      body: uploadBody('JSON: { mapping?, limit? (default 20), encoding?, sheet? }'),
    },
    responses: {
      200: jsonContent(
        z.object({
          format: z.enum(['csv', 'xlsx']),
          encoding: z.string().nullable(),
          columns: z.array(z.string()),
          suggestedMapping: z.unknown(),
          mapping: z.unknown(),
          rows: z.array(
            z.object({
              row: z.number(),
              values: z.record(z.string(), z.unknown()),
              issues: z.array(issueSchema),
            }),
          ),
          unmappedRequired: z.array(z.string()),
        }),
        'Mapped rows with their problems',
      ),
      ...refusals,
    },
  }),
  start: createRoute({
    method: 'post',
    path: base,
    tags,
    summary: 'Start an import job (runs in the background)',
    request: {
      params: tableParams,
      body: uploadBody(
        'JSON: { mapping: { columns, relations? }, mode: all_or_nothing | partial, dedupe?: { keys, onMatch: skip | update | create }, encoding?, sheet? }',
      ),
    },
    responses: {
      202: jsonContent(z.object({ job: jobSchema }), 'Queued'),
      ...refusals,
      413: jsonContent(errorSchema, 'The file is larger than the limit'),
    },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{id}`,
    tags,
    summary: "An import job's status, progress, counts and first errors",
    request: { params: jobParams },
    responses: { 200: jsonContent(z.object({ job: jobSchema }), 'The job'), 404: refusals[404] },
  }),
  errors: createRoute({
    method: 'get',
    path: `${base}/{id}/errors.csv`,
    tags,
    summary: 'Every row error of a job as CSV (UTF-8 with BOM, opens in Excel)',
    request: { params: jobParams },
    responses: {
      200: {
        description: 'row, column, field, code, message',
        content: { 'text/csv': { schema: { type: 'string' } } },
      },
      404: refusals[404],
    },
  }),
};

/**
 * The imports API. Uploads are spooled to a temporary file first: the job reads it after the
 * answer (202) has gone, and the file is deleted when the job ends.
 * @example app.route('/', importRoutes({ database, logger }))
 */
export function importRoutes(deps: ImportRoutesDeps) {
  const db = deps.database.db;
  const maxBytes = deps.maxUploadBytes ?? 2 * 1024 ** 3;
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.preview, async (c) => {
      const { space, table } = c.req.valid('param');
      const context = await resolveTable(db, space, table);
      const access = await requestAccess(
        c,
        db,
        context.space.id,
        context.version,
        context.definition,
      );
      assertImportRight(access.table(context.table.key));
      const upload = await spoolUpload(c.req.raw, { maxBytes });
      try {
        const options = parseOptions(upload.fields.get('options'), previewOptionsSchema, {});
        assertCanImport(context, access, options);
        return c.json(await previewImport(deps.database, context, upload.file.path, options), 200);
      } finally {
        await rm(upload.file.path, { force: true });
      }
    })
    .openapi(routes.start, async (c) => {
      const { space, table } = c.req.valid('param');
      const context = await resolveTable(db, space, table);
      const access = await requestAccess(
        c,
        db,
        context.space.id,
        context.version,
        context.definition,
      );
      assertImportRight(access.table(context.table.key));
      const upload = await spoolUpload(c.req.raw, { maxBytes });
      let options: ImportOptions;
      try {
        options = parseOptions(upload.fields.get('options'), importOptionsSchema, undefined);
        assertCanImport(context, access, options);
      } catch (error) {
        await rm(upload.file.path, { force: true });
        throw error;
      }
      const actor = actingUserId(requestActor(c));
      const { job } = await startImport(deps, context, upload.file, options, { actor });
      return c.json({ job }, 202);
    })
    .openapi(routes.get, async (c) => {
      const { space, table, id } = c.req.valid('param');
      const context = await resolveTable(db, space, table);
      assertImportRight(await requestTableAccess(c, db, context));
      return c.json({ job: await getJobOrThrow(db, context.space.id, context.table.key, id) }, 200);
    })
    .openapi(routes.errors, async (c) => {
      const { space, table, id } = c.req.valid('param');
      const context = await resolveTable(db, space, table);
      assertImportRight(await requestTableAccess(c, db, context));
      const job = await getJobOrThrow(db, context.space.id, context.table.key, id);
      const encoder = new TextEncoder();
      const errors = jobErrors(db, job.id);
      const body = new ReadableStream<Uint8Array>({
        start: (controller) =>
          controller.enqueue(
            encoder.encode('\ufeffrow,column,field,code,message_zh,message_en\r\n'),
          ),
        pull: async (controller) => {
          const next = await errors.next();
          if (next.done) return controller.close();
          const e = next.value;
          const line = [
            String(e.row),
            e.column ?? '',
            e.field ?? '',
            e.code,
            e.message['zh-CN'],
            e.message.en,
          ];
          controller.enqueue(encoder.encode(`${line.map(csvField).join(',')}\r\n`));
        },
        cancel: async () => void (await errors.return(undefined)),
      });
      return c.body(body, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': attachmentDisposition(`import-${job.id}-errors.csv`),
      });
    });
}

/** Parses the `options` form field as JSON against `schema`; 400 naming every problem. */
function parseOptions<T extends ImportOptions | PreviewOptions>(
  raw: string | undefined,
  schema: z.ZodType<T>,
  fallback: unknown,
): T {
  let value: unknown = fallback;
  if (raw !== undefined && raw.trim() !== '') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ImportOptionsInvalidError(['"options" is not valid JSON']);
    }
  }
  if (value === undefined) throw new ImportOptionsInvalidError(['the "options" field is missing']);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ImportOptionsInvalidError(
      parsed.error.issues.map((i) => `options/${i.path.join('/')}: ${i.message}`),
    );
  }
  return parsed.data;
}
