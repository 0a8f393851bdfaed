// The structured filter language of the records API and of saved views.
import { z } from 'zod';

export const filterOperators = [
  'eq',
  'ne',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'is_null',
  'not_null',
] as const;
export type FilterOperator = (typeof filterOperators)[number];

export type RecordFilter =
  | { readonly and: readonly RecordFilter[] }
  | { readonly or: readonly RecordFilter[] }
  | { readonly not: RecordFilter }
  | { readonly field: string; readonly op: FilterOperator; readonly value?: unknown };

const scalar = z.union([z.string().max(10_000), z.number().finite(), z.boolean()]);

/** At most 4 levels of nesting and 50 conditions per group, so a filter stays cheap to plan. */
export const recordFilterSchema: z.ZodType<RecordFilter> = z.lazy(() =>
  z.union([
    z.object({ and: z.array(recordFilterSchema).min(1).max(50) }).strict(),
    z.object({ or: z.array(recordFilterSchema).min(1).max(50) }).strict(),
    z.object({ not: recordFilterSchema }).strict(),
    z
      .object({
        field: z.string().max(63),
        op: z.enum(filterOperators),
        value: z.union([scalar, z.array(scalar).max(1000), z.null()]).optional(),
      })
      .strict(),
  ]),
);

/** Depth of a filter tree, to refuse pathological nesting. */
export function filterDepth(filter: RecordFilter): number {
  if ('and' in filter) return 1 + Math.max(...filter.and.map(filterDepth));
  if ('or' in filter) return 1 + Math.max(...filter.or.map(filterDepth));
  if ('not' in filter) return 1 + filterDepth(filter.not);
  return 1;
}
