// Tasks API: the flow tasks of a record (completing one is in flow-routes).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Db } from '../../db/database';
import { listRecordTasks } from '../../flows/task-repository';
import { renderTemplate } from '../../notifications/render-template';
import { readRecordAs } from '../../permissions/record-guard';
import { requestTableAccess } from '../../permissions/request-access';
import { resolveTable } from '../../records/table-context';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

const recordParams = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' } }),
  table: z
    .string()
    .max(63)
    .openapi({ param: { name: 'table', in: 'path' } }),
  id: z
    .string()
    .uuid('must be a record id (uuid)')
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const taskSchema = z
  .object({
    id: z.string(),
    flow: z.string().nullable(),
    node: z.string().nullable(),
    assignee: z.string(),
    title: z.object({ 'zh-CN': z.string(), en: z.string() }),
    dueAt: z.string(),
    status: z.enum(['open', 'done', 'cancelled']),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    completedBy: z.string().nullable(),
  })
  .openapi('FlowTask');

const list = createRoute({
  method: 'get',
  path: '/api/spaces/{space}/tables/{table}/records/{id}/tasks',
  tags: ['flows'],
  summary: "A record's flow tasks: open ones first, earliest due first",
  request: { params: recordParams },
  responses: {
    200: jsonContent(z.object({ tasks: z.array(taskSchema) }), 'The tasks'),
    403: jsonContent(errorSchema, 'Not allowed to read this table'),
    404: jsonContent(errorSchema, 'No such space, table or record (or not yours to read)'),
  },
});

/** Routes of the tasks API. */
export function taskRoutes(deps: { readonly db: Db }) {
  return new OpenAPIHono({ defaultHook: validationHook }).openapi(list, async (c) => {
    const { space, table, id } = c.req.valid('param');
    const context = await resolveTable(deps.db, space, table);
    // Whoever may read the record (its row scope) sees its tasks; others get the record's 404.
    const access = await requestTableAccess(c, deps.db, context);
    const record = await readRecordAs(deps.db, context, access, id, true);
    // Titles are templates over the record: each reader sees only the fields their roles show.
    const readable = access.readableAt(typeof record.stage === 'string' ? record.stage : null);
    const render = (text: string, locale: 'zh-CN' | 'en') =>
      renderTemplate(text, record, locale, { fields: context.table.fields, readable });
    const tasks = (await listRecordTasks(deps.db, context.space.id, context.table.key, id)).map(
      (task) => ({
        ...task,
        title: {
          'zh-CN': render(task.title['zh-CN'], 'zh-CN'),
          en: render(task.title.en, 'en'),
        },
      }),
    );
    return c.json({ tasks }, 200);
  });
}
