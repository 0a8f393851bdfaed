// Flow API: record timelines, handover verdicts, task completion, the simulator, executions
// (list, cancel, retry), manual and webhook starts.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import {
  flowSearchAttributeKeys,
  flowWorkflowId,
  flowWorkflowType,
  visibilityLiteral,
} from '../../../workflows/flow-start';
import { retryExecution } from '../../flows/flow-retry';
import {
  assertMayStartFlow,
  flowWebhookSecretName,
  resolveFlow,
  startManualFlow,
  startWebhookFlow,
} from '../../flows/flow-triggers';
import { rotateIntakeSecret } from '../../intake/intake-secrets';
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
import { simulationScript } from '../simulation-schema';
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
const tags = ['flows'];
const startedSchema = z.object({ accepted: z.literal(true), workflowId: z.string() });
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
  start: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/flows/{flow}/start',
    tags,
    summary: 'Start a manual flow on a record (who may update the record may start it)',
    request: {
      params: flowParams,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({ recordId: z.string().uuid('must be a record id (uuid)') }).strict(),
          },
        },
      },
    },
    responses: {
      202: jsonContent(startedSchema, 'Handed to the workflow engine through the outbox'),
      ...refusals,
    },
  }),
  webhook: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/flows/{flow}/webhook',
    tags,
    summary: 'Start a webhook flow on the record named in the body (signed like intake deliveries)',
    description:
      'Body `{"recordId": "…"}`; headers `X-Baton-Timestamp` (Unix seconds, within 5 minutes) and ' +
      '`X-Baton-Signature` (hex HMAC-SHA256 with the flow secret of `<timestamp>.<body>`).',
    request: { params: flowParams },
    responses: {
      202: jsonContent(startedSchema, 'Handed to the workflow engine through the outbox'),
      401: jsonContent(errorSchema, 'Missing or wrong signature'),
      ...refusals,
    },
  }),
  webhookSecret: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/flows/{flow}/webhook/secret',
    tags,
    summary:
      "Rotate a webhook flow's signing secret (the previous one verifies for 10 more minutes)",
    request: { params: flowParams },
    responses: {
      201: jsonContent(
        z.object({
          secret: z.string(),
          createdAt: z.string(),
          previousValidUntil: z.string().nullable(),
        }),
        'The new secret, shown once',
      ),
      ...refusals,
    },
  }),
  retry: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/flows/{flow}/executions/{record}/retry',
    tags,
    summary:
      'Retry a failed, terminated or cancelled execution: restart it on its pinned flow version, or reset it to its last workflow task',
    request: {
      params: flowParams.extend({
        record: z
          .string()
          .uuid()
          .openapi({ param: { name: 'record', in: 'path' } }),
      }),
      body: {
        required: false,
        content: {
          'application/json': {
            schema: z.object({ mode: z.enum(['restart', 'reset']).default('restart') }).strict(),
          },
        },
      },
    },
    responses: {
      202: jsonContent(
        z.object({ workflowId: z.string(), runId: z.string(), mode: z.string() }),
        'The new run',
      ),
      ...refusals,
      503: jsonContent(errorSchema, 'Temporal unreachable'),
    },
  }),
};

export interface FlowRouteDeps {
  readonly db: Db;
  readonly temporal: () => Client | undefined;
  /** Task queue a retried execution runs on. */
  readonly taskQueue?: string;
}

export function flowRoutes({ db, temporal, taskQueue }: FlowRouteDeps) {
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
      // Custom search attributes set at start (and kept across continue-as-new and retries).
      const query = [
        `WorkflowType = ${visibilityLiteral(flowWorkflowType)}`,
        `BatonSpace = ${visibilityLiteral(space)}`,
        `BatonFlow = ${visibilityLiteral(flow)}`,
      ].join(' AND ');
      for await (const info of client().workflow.list({ query })) {
        const record = info.typedSearchAttributes.get(flowSearchAttributeKeys.record);
        executions.push({
          workflowId: info.workflowId,
          runId: info.runId,
          recordId: record ?? info.workflowId.slice(flowWorkflowId(space, flow, '').length),
          table: info.typedSearchAttributes.get(flowSearchAttributeKeys.table) ?? null,
          status: info.status.name,
          startTime: info.startTime.toISOString(),
          closeTime: info.closeTime?.toISOString() ?? null,
        });
        if (executions.length >= 500) break;
      }
      return c.json({ executions }, 200);
    })
    .openapi(routes.start, async (c) => {
      const { space, flow } = c.req.valid('param');
      const { recordId } = c.req.valid('json');
      const resolved = await resolveFlow(db, space, flow);
      await assertMayStartFlow(c, db, resolved.context, recordId);
      const workflowId = await startManualFlow(db, resolved.flow, resolved.context, recordId);
      return c.json({ accepted: true as const, workflowId }, 202);
    })
    .openapi(routes.webhook, async (c) => {
      const { space, flow } = c.req.valid('param');
      const resolved = await resolveFlow(db, space, flow);
      const { workflowId, replay } = await startWebhookFlow(db, resolved.flow, resolved.context, {
        // The signature covers the body's bytes; other middleware may have read it already.
        body: new Uint8Array(await c.req.arrayBuffer()),
        header: (name) => c.req.header(name),
      });
      if (replay) c.header('Idempotent-Replay', 'true');
      return c.json({ accepted: true as const, workflowId }, 202);
    })
    .openapi(routes.webhookSecret, async (c) => {
      const { space, flow } = c.req.valid('param');
      await assertSpaceAdmin(c, space);
      const resolved = await resolveFlow(db, space, flow);
      const rotated = await rotateIntakeSecret(
        db,
        resolved.context.space.id,
        flowWebhookSecretName(flow),
      );
      return c.json(rotated, 201);
    })
    .openapi(routes.retry, async (c) => {
      const { space, flow, record } = c.req.valid('param');
      await assertSpaceAdmin(c, space);
      const body = await c.req.json().catch(() => ({}));
      const mode = (body as { mode?: string })?.mode === 'reset' ? 'reset' : 'restart';
      const resolved = await resolveFlow(db, space, flow);
      const run = await retryExecution(db, client(), resolved.context, {
        flowKey: flow,
        recordId: record,
        mode,
        taskQueue: taskQueue ?? 'baton',
        by: actingUserId(requestActor(c)),
      });
      return c.json(run, 202);
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
