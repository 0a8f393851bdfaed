// Flow API: record timelines, handover verdicts, task completion, the simulator, executions.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { flowWorkflowId, flowWorkflowType } from '../../../workflows/flow-start';
import type { Db } from '../../db/database';
import { getPublished } from '../../definitions/definition-store';
import { BatonError, NotFoundError } from '../../errors';
import { completeTask, recordTimeline, simulate, submitVerdict } from '../../flows/flow-service';
import { resolveTable } from '../../records/table-context';
import {
  assertAdmin,
  assertRecordAction,
  presentTimeline,
  readRecordAs,
} from '../../permissions/record-guard';
import { actingUserId, requestAccess, requestTableAccess } from '../../permissions/request-access';
import { ForbiddenError } from '../../permissions/permission-errors';
import { requestActor } from '../request-actor';
import type { Context } from 'hono';
import { getSpaceOrThrow } from '../../spaces/space-repository';
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
const flowParams = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' } }),
  flow: z
    .string()
    .max(63)
    .openapi({ param: { name: 'flow', in: 'path' } }),
});
const instant = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 instant');
const scriptedEvent = z.discriminatedUnion('type', [
  z
    .object({
      at: z.string().max(40),
      type: z.literal('record'),
      set: z.record(z.string(), z.unknown()),
    })
    .strict(),
  z
    .object({
      at: z.string().max(40),
      type: z.literal('verdict'),
      verdict: z.enum(['valid', 'needs_info', 'invalid']),
      reason: z.string().max(100).optional(),
      note: z.string().max(2000).optional(),
      by: z.string().max(100).optional(),
    })
    .strict(),
  z
    .object({
      at: z.string().max(40),
      type: z.literal('task_done'),
      by: z.string().max(100).optional(),
    })
    .strict(),
]);
const tags = ['flows'];
const refusals = {
  400: jsonContent(errorSchema, 'Invalid input'),
  404: jsonContent(errorSchema, 'Not found'),
  409: jsonContent(errorSchema, 'Not possible now'),
};

const routes = {
  timeline: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/tables/{table}/records/{id}/timeline',
    tags,
    summary: "A record's timeline: nodes, timers, notifications, escalations, verdicts",
    request: { params: recordParams },
    responses: {
      200: jsonContent(
        z.object({ entries: z.array(z.record(z.string(), z.unknown())) }),
        'Oldest first',
      ),
      404: refusals[404],
    },
  }),
  verdict: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/tables/{table}/records/{id}/handover',
    tags,
    summary:
      'Give the verdict on a pending handover (valid, needs_info, invalid with a preset reason and a note)',
    request: {
      params: recordParams,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                flow: z.string().max(63),
                verdict: z.enum(['valid', 'needs_info', 'invalid']),
                reason: z.string().max(100).optional(),
                note: z.string().max(2000).optional(),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      202: jsonContent(z.object({ accepted: z.literal(true) }), 'Handed to the flow'),
      ...refusals,
    },
  }),
  completeTask: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/tables/{table}/records/{id}/tasks/{task}/complete',
    tags,
    summary: 'Complete a flow task',
    request: {
      params: recordParams.extend({
        task: z
          .string()
          .uuid()
          .openapi({ param: { name: 'task', in: 'path' } }),
      }),
    },
    responses: {
      200: jsonContent(z.object({ completed: z.literal(true) }), 'Done'),
      404: refusals[404],
    },
  }),
  simulate: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/flows/{flow}/simulate',
    tags,
    summary:
      'Play a script of events at virtual times against the published flow; returns the trace the real execution would write',
    request: {
      params: flowParams,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                record: z.record(z.string(), z.unknown()),
                start: instant.optional(),
                events: z.array(scriptedEvent).max(500).optional(),
                until: instant.optional(),
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
      ...refusals,
    },
  }),
  executions: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/flows/{flow}/executions',
    tags,
    summary: 'Executions of a flow with their status',
    request: { params: flowParams },
    responses: {
      200: jsonContent(
        z.object({ executions: z.array(z.record(z.string(), z.unknown())) }),
        'Newest first',
      ),
      503: jsonContent(errorSchema, 'Temporal unreachable'),
    },
  }),
  cancel: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/flows/{flow}/executions/{record}/cancel',
    tags,
    summary: "Cancel a record's execution of a flow",
    request: {
      params: flowParams.extend({
        record: z
          .string()
          .uuid()
          .openapi({ param: { name: 'record', in: 'path' } }),
      }),
    },
    responses: {
      202: jsonContent(z.object({ cancelled: z.literal(true) }), 'Cancellation requested'),
      404: refusals[404],
      503: jsonContent(errorSchema, 'Temporal unreachable'),
    },
  }),
};

export interface FlowRouteDeps {
  readonly db: Db;
  readonly temporal: () => Client | undefined;
}

export function flowRoutes({ db, temporal }: FlowRouteDeps) {
  const client = () => {
    const c = temporal();
    if (!c)
      throw new BatonError(
        'TEMPORAL_UNAVAILABLE',
        503,
        'the workflow engine is not reachable right now',
      );
    return c;
  };
  const assertSpaceAdmin = async (c: Context, key: string) => {
    const spaceRow = await getSpaceOrThrow(db, key);
    const published = await getPublished(db, spaceRow.id);
    const access = await requestAccess(c, db, spaceRow.id, published.version, published.definition);
    assertAdmin(access, `the flow executions of space "${key}"`);
  };
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.timeline, async (c) => {
      const { space, table, id } = c.req.valid('param');
      const context = await resolveTable(db, space, table);
      const access = await requestTableAccess(c, db, context);
      const record = await readRecordAs(db, context, access, id, true);
      const entries = await recordTimeline(db, context, id);
      return c.json({ entries: presentTimeline(context, access, record, entries) }, 200);
    })
    .openapi(routes.verdict, async (c) => {
      const { space, table, id } = c.req.valid('param');
      const context = await resolveTable(db, space, table);
      const access = await requestTableAccess(c, db, context);
      await assertRecordAction(db, context, access, 'update', id);
      const by = actingUserId(requestActor(c));
      await submitVerdict(db, context, id, { ...c.req.valid('json'), by });
      return c.json({ accepted: true as const }, 202);
    })
    .openapi(routes.completeTask, async (c) => {
      const { space, table, id, task } = c.req.valid('param');
      const context = await resolveTable(db, space, table);
      const access = await requestTableAccess(c, db, context);
      await assertRecordAction(db, context, access, 'update', id);
      await completeTask(db, context, id, task, actingUserId(requestActor(c)));
      return c.json({ completed: true as const }, 200);
    })
    .openapi(routes.simulate, async (c) => {
      const { space, flow } = c.req.valid('param');
      const body = c.req.valid('json');
      const spaceRow = await getSpaceOrThrow(db, space);
      const published = await getPublished(db, spaceRow.id);
      const definition = published.definition.flows?.find((f) => f.key === flow);
      if (!definition) throw new NotFoundError('flow', flow);
      const context = await resolveTable(db, space, definition.table);
      const access = await requestAccess(
        c,
        db,
        context.space.id,
        context.version,
        context.definition,
      );
      if (!access.editDefinition)
        throw new ForbiddenError('edit the definition of', `space "${space}"`);
      const result = simulate(context, flow, {
        record: body.record,
        start: body.start ?? new Date().toISOString(),
        events: body.events,
        until: body.until,
      });
      return c.json(
        { trace: result.trace.map((t) => ({ ...t })), state: { ...result.state } },
        200,
      );
    })
    .openapi(routes.executions, async (c) => {
      const { space, flow } = c.req.valid('param');
      await assertSpaceAdmin(c, space);
      const executions: Record<string, unknown>[] = [];
      const prefix = flowWorkflowId(space, flow, '');
      for await (const info of client().workflow.list({
        query: `WorkflowType = '${flowWorkflowType}' AND WorkflowId STARTS_WITH '${prefix.replaceAll("'", '')}'`,
      })) {
        executions.push({
          workflowId: info.workflowId,
          recordId: info.workflowId.slice(prefix.length),
          status: info.status.name,
          startTime: info.startTime.toISOString(),
          closeTime: info.closeTime?.toISOString() ?? null,
        });
        if (executions.length >= 500) break;
      }
      return c.json({ executions }, 200);
    })
    .openapi(routes.cancel, async (c) => {
      const { space, flow, record } = c.req.valid('param');
      await assertSpaceAdmin(c, space);
      await client()
        .workflow.getHandle(flowWorkflowId(space, flow, record))
        .cancel();
      return c.json({ cancelled: true as const }, 202);
    });
}
