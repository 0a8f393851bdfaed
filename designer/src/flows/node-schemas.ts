// The JSON Schema of each node type's settings, generated from the runtime's zod schemas, so the
// property panel offers exactly what the server accepts.
import { z } from 'zod';
import { flowNodeSchema, type FlowNodeType } from '../../../runtime/flows/flow-schema';
import type { JsonSchema } from './SchemaForm';

const cache = new Map<string, JsonSchema>();

/**
 * The node type's schema without `id` and `type`, which the canvas owns.
 * @example nodeSettingsSchema('wait').properties.duration.type // 'string'
 */
export function nodeSettingsSchema(type: FlowNodeType): JsonSchema {
  const cached = cache.get(type);
  if (cached) return cached;
  const option = flowNodeSchema.options.find((o) => o.shape.type.value === type);
  if (!option) throw new Error(`unknown node type ${type}`);
  const schema = z.toJSONSchema(option, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  const properties = { ...schema.properties };
  delete properties.id;
  delete properties.type;
  const settings: JsonSchema = {
    ...schema,
    properties,
    required: (schema.required ?? []).filter((k) => k !== 'id' && k !== 'type'),
  };
  cache.set(type, settings);
  return settings;
}
