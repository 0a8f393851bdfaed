// Flow definitions: a trigger and a graph of nodes, each node type with its own schema.
import { z } from 'zod';
import { keySchema, localizedTextSchema } from '../definition/field-schema';
import { isoDurationSchema } from '../time/iso-duration';

/** ISO 8601 duration (`PT240M`, `P3D`), parsed strictly by runtime/time. */
export const durationSchema = isoDurationSchema;

/**
 * Who receives something: `owner`, `owner.manager` (and further `.manager` levels up the reporting
 * line), `role:<role>` (optionally `@region`: only those in the record owner's province),
 * `user:<id or e-mail>`.
 */
export const recipientSchema = z
  .string()
  .max(200)
  .regex(
    /^(owner(\.manager){0,5}|role:[a-z][a-z0-9_]*(@region)?|group:[a-z][a-z0-9_]*|user:\S+)$/,
    'must be owner, owner.manager…, role:<role>[@region], group:<role> or user:<id>',
  );

export const channelSchema = z.enum(['inapp', 'webhook', 'email']);

const nodeId = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must match ^[a-z][a-z0-9_]{0,62}$');
const cel = z.string().min(1).max(5_000);
const message = { title: localizedTextSchema, body: localizedTextSchema.optional() };

export const flowNodeSchema = z.discriminatedUnion('type', [
  z
    .object({
      id: nodeId,
      type: z.literal('wait'),
      duration: durationSchema,
      businessHours: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      id: nodeId,
      type: z.literal('wait_until'),
      /** CEL over `record`; re-checked whenever the record changes. */
      condition: cel,
      timeout: durationSchema,
      /** Count the timeout from this datetime field instead of from entering the node. */
      from: keySchema.optional(),
      businessHours: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      id: nodeId,
      type: z.literal('branch'),
      cases: z
        .array(z.object({ when: cel, outcome: keySchema }).strict())
        .min(1)
        .max(20),
    })
    .strict(),
  z
    .object({
      id: nodeId,
      type: z.literal('update'),
      /** Field → CEL expression computing its new value from `record`. */
      set: z.record(keySchema, cel),
    })
    .strict(),
  z
    .object({
      id: nodeId,
      type: z.literal('assign'),
      /** `rules`: run the table's assignment rules; `pool:<key>`: return the record to a pool. */
      to: z.string().regex(/^(rules|pool:[a-z][a-z0-9_]*)$/, 'must be rules or pool:<key>'),
    })
    .strict(),
  z
    .object({
      id: nodeId,
      type: z.literal('notify'),
      to: recipientSchema,
      channel: channelSchema,
      ...message,
    })
    .strict(),
  z
    .object({
      id: nodeId,
      type: z.literal('escalation'),
      /** CEL over `record`: the ladder stops as soon as it holds. */
      until: cel,
      businessHours: z.boolean().optional(),
      levels: z
        .array(
          z
            .object({
              /** Delay after the previous level (the first: after entering the node). */
              after: durationSchema,
              to: recipientSchema,
              channel: channelSchema,
              ...message,
            })
            .strict(),
        )
        .min(1)
        .max(10),
    })
    .strict(),
  z
    .object({
      id: nodeId,
      type: z.literal('handover'),
      to: recipientSchema.default('owner'),
      /** Fields the handing side must have filled before the handover is issued. */
      senderMust: z.array(keySchema).max(50).default([]),
      acceptWithin: durationSchema,
      businessHours: z.boolean().optional(),
      /** Named list (definition `lists`) of reasons an `invalid` verdict must pick from. */
      invalidReasons: keySchema.optional(),
      /** Pool the record returns to when nobody answers in time. */
      onTimeout: z
        .string()
        .regex(/^pool:[a-z][a-z0-9_]*$/)
        .optional(),
      ...message,
    })
    .strict(),
  z
    .object({
      id: nodeId,
      type: z.literal('task'),
      assignee: recipientSchema,
      due: durationSchema,
      remindBefore: durationSchema.optional(),
      businessHours: z.boolean().optional(),
      ...message,
    })
    .strict(),
  z
    .object({
      id: nodeId,
      type: z.literal('http'),
      url: z.string().url().max(2_000),
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default('POST'),
      /** Body template; `{{record.field}}` placeholders are filled in. */
      body: z.string().max(20_000).optional(),
      timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
      retries: z.number().int().min(0).max(10).default(3),
      /** Field → dotted path into the JSON response. */
      map: z.record(keySchema, z.string().max(200)).optional(),
    })
    .strict(),
  z.object({ id: nodeId, type: z.literal('end') }).strict(),
]);

export const flowTriggerSchema = z.discriminatedUnion('on', [
  z.object({ on: z.literal('record.created') }).strict(),
  /** `when` is CEL over `old` and `record`. */
  z.object({ on: z.literal('record.updated'), when: cel.optional() }).strict(),
  z.object({ on: z.literal('form.submitted'), form: keySchema }).strict(),
  z
    .object({
      on: z.literal('schedule'),
      /** Five-field cron (minute hour day month weekday), e.g. `0 9 * * MON`. */
      cron: z
        .string()
        .max(100)
        .regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression, e.g. "0 9 * * MON"'),
      timeZone: z.string().max(64).default('Asia/Shanghai'),
      /**
       * CEL over `record`: each tick starts the flow for every live record it holds for (one
       * execution per record). Absent: each tick starts the flow once, for no record.
       */
      filter: cel.optional(),
    })
    .strict(),
  z.object({ on: z.literal('manual') }).strict(),
  z.object({ on: z.literal('webhook') }).strict(),
]);

export const flowEdgeSchema = z
  .object({
    from: nodeId,
    to: nodeId,
    /** The outcome this edge follows (`met`, `timeout`, `valid`…); absent: the default way on. */
    on: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/)
      .optional(),
  })
  .strict();

export const flowSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    table: keySchema,
    trigger: flowTriggerSchema,
    /** Where execution begins; the first node when absent. */
    start: nodeId.optional(),
    nodes: z.array(flowNodeSchema).min(1).max(200),
    edges: z.array(flowEdgeSchema).max(500),
    /** Where the designer drew each node (canvas coordinates); the runtime ignores it. */
    layout: z
      .record(nodeId, z.object({ x: z.number().finite(), y: z.number().finite() }).strict())
      .optional(),
  })
  .strict();

export type FlowDefinition = z.infer<typeof flowSchema>;
export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowNodeType = FlowNode['type'];
export type FlowTrigger = z.infer<typeof flowTriggerSchema>;
export type FlowEdge = z.infer<typeof flowEdgeSchema>;

/** Outcomes each node type can end with; an edge with `on` must name one of them. */
export function outcomesOf(node: FlowNode): readonly string[] {
  switch (node.type) {
    case 'wait_until':
      return ['met', 'timeout'];
    case 'branch':
      return [...node.cases.map((c) => c.outcome), 'else'];
    case 'escalation':
      return ['resolved', 'exhausted'];
    case 'handover':
      return ['valid', 'needs_info', 'invalid', 'timeout'];
    case 'task':
      return ['done', 'overdue'];
    case 'http':
      return ['ok', 'failed'];
    case 'end':
      return [];
    default:
      return ['next'];
  }
}
