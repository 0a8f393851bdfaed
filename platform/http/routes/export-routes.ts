// Export API: every record matching the list filters, streamed as CSV (UTF-8 with BOM) or .xlsx.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { recordFilterSchema } from '../../../runtime/records/record-filter';
import type { Database } from '../../db/database';
import { exportRecords } from '../../exports/record-export';
import { QueryInvalidError } from '../../records/record-query';
import { ForbiddenError } from '../../permissions/permission-errors';
import { scopedListQuery } from '../../permissions/record-guard';
import { presentExpanded } from '../../permissions/related-records';
import { requestAccess } from '../../permissions/request-access';
import { resolveTable } from '../../records/table-context';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';
import { attachmentDisposition } from './file-routes';

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

const exportRoute = createRoute({
  method: 'get',
  path: '/api/spaces/{space}/tables/{table}/records/export',
  tags: ['records'],
  summary: 'Export all matching records as CSV or .xlsx (streamed; labels in the chosen locale)',
  request: {
    params: tableParams,
    query: z.object({
      format: z.enum(['csv', 'xlsx']).default('xlsx'),
      locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
      filter: z.string().max(20_000).optional().openapi({ description: 'JSON RecordFilter' }),
      q: z.string().max(200).optional(),
      sort: z
        .string()
        .max(200)
        .optional()
        .openapi({ description: 'Comma-separated, "-" for descending' }),
      deleted: z.enum(['exclude', 'only', 'include']).default('exclude'),
    }),
  },
  responses: {
    200: {
      description: 'The file, as an attachment',
      content: {
        'text/csv': { schema: { type: 'string' } },
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
          schema: { type: 'string', format: 'binary' },
        },
      },
    },
    400: jsonContent(errorSchema, 'A malformed filter or an unknown field'),
    404: jsonContent(errorSchema, 'No such space or table'),
  },
});

const contentTypes = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * The export route. Mount it before the records routes: `/records/export` would otherwise be
 * taken for a record id.
 * @example app.route('/', exportRoutes(database))
 */
export function exportRoutes(database: Database) {
  return new OpenAPIHono({ defaultHook: validationHook }).openapi(exportRoute, async (c) => {
    const { space, table } = c.req.valid('param');
    const q = c.req.valid('query');
    const context = await resolveTable(database.db, space, table);
    const spaceAccess = await requestAccess(
      c,
      database.db,
      context.space.id,
      context.version,
      context.definition,
    );
    const access = spaceAccess.table(context.table.key);
    if (!access.bypass && !access.export) {
      throw new ForbiddenError('export', `records of table "${context.table.key}"`);
    }
    const query = scopedListQuery(context, access, {
      filter: q.filter === undefined ? undefined : parseFilter(q.filter),
      search: q.q,
      sort: q.sort
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      deleted: q.deleted,
    });
    const stream = await exportRecords(database, context, {
      format: q.format,
      locale: q.locale,
      query,
      fields: access.bypass ? undefined : access.alwaysReadable,
      // Relation cells show the related record's title only where the caller may read it.
      present: access.bypass
        ? undefined
        : (records) => presentExpanded(database.db, context, spaceAccess, records),
    });
    const name = `${context.table.label[q.locale]}-${new Date().toISOString().slice(0, 10)}.${q.format}`;
    return c.body(stream, 200, {
      'Content-Type': contentTypes[q.format],
      'Content-Disposition': attachmentDisposition(name),
      'Cache-Control': 'no-store',
    });
  });
}

function parseFilter(text: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new QueryInvalidError('filter is not valid JSON');
  }
  const result = recordFilterSchema.safeParse(parsed);
  if (!result.success) {
    throw new QueryInvalidError(
      `filter is malformed: ${result.error.issues.map((i) => `/${i.path.join('/')} ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}
