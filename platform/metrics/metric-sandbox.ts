// The metric sandbox: try a predicate ("effective opportunity") on stored records, then label every
// stored record with it in one statement, so old and new figures share one definition.
import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { checkCel } from '../../runtime/cel/compile-cel';
import { metricFields } from '../../runtime/metrics/metric-columns';
import type { Db } from '../db/database';
import { BatonError } from '../errors';
import { listRecords } from '../records/record-query';
import type { RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';
import { celCondition } from './metric-sql';

/** A predicate that does not type-check as a bool over the table (400, with CEL's issues). */
export class PredicateInvalidError extends BatonError {
  constructor(issues: readonly { code: string; message: string }[]) {
    super(
      'PREDICATE_INVALID',
      400,
      `the predicate is not a valid condition / 条件表达式无效: ${issues.map((i) => i.message).join('; ')}`,
      issues,
    );
  }
}

/** Type-checks a predicate and compiles it over alias `r`. */
export function predicateCondition(
  context: TableContext,
  predicate: string,
  now: Date,
): RawBuilder<unknown> {
  const issues = checkCel(
    predicate,
    { record: metricFields(context.table), variables: { labels: 'map<string, bool>' } },
    { expect: 'bool' },
  );
  if (issues.length > 0) throw new PredicateInvalidError(issues);
  return celCondition(context, predicate, 'r', now);
}

export interface Preview {
  readonly table: string;
  readonly total: number;
  readonly matched: number;
  readonly share: number | null;
  readonly sample: RecordJson[];
}

/**
 * How many of the records in scope a predicate matches, with a sample of them.
 * @example await previewPredicate(db, context, 'record.need_grade == "A"', { limit: 10 })
 */
export async function previewPredicate(
  db: Db,
  context: TableContext,
  predicate: string,
  options: { readonly limit: number; readonly scope?: RawBuilder<unknown>; readonly now?: Date },
): Promise<Preview> {
  const now = options.now ?? new Date();
  const condition = predicateCondition(context, predicate, now);
  const scope = options.scope ?? sql`true`;
  const counts = await sql<{ total: number; matched: number }>`
    select count(*)::int as total, count(*) filter (where ${condition})::int as matched
    from ${sql.raw(context.ref)} r where r.deleted_at is null and r.id in (
      select id from ${sql.raw(context.ref)} where ${scope})`.execute(db);
  const { total = 0, matched = 0 } = counts.rows[0] ?? {};
  const page = await listRecords(db, context, {
    limit: options.limit,
    sort: ['-created_at'],
    scope: sql`(${scope}) and id in (select r.id from ${sql.raw(context.ref)} r where ${condition})`,
  });
  return {
    table: context.table.key,
    total: Number(total),
    matched: Number(matched),
    share: Number(total) === 0 ? null : Number(matched) / Number(total),
    sample: page.records,
  };
}

export interface Backfill {
  readonly label: string;
  readonly table: string;
  readonly labelled: number;
  readonly matched: number;
  readonly definitionHash: string;
}

/**
 * Labels every stored record of the table with the predicate's verdict, in one statement; a
 * relabel with a changed predicate overwrites every verdict, so no record keeps an old definition.
 */
export async function backfillLabel(
  db: Db,
  context: TableContext,
  label: string,
  predicate: string,
  now = new Date(),
): Promise<Backfill> {
  const condition = predicateCondition(context, predicate, now);
  const hash = createHash('sha256').update(predicate).digest('hex').slice(0, 16);
  const result = await sql<{ labelled: number; matched: number }>`
    with written as (
      insert into platform.metric_labels (space_id, label, table_key, record_id, matched, definition_hash)
      select ${context.space.id}::uuid, ${label}::text, ${context.table.key}::text, r.id,
        coalesce(${condition}, false), ${hash}::text
      from ${sql.raw(context.ref)} r where r.deleted_at is null
      on conflict (space_id, label, record_id) do update
        set matched = excluded.matched, definition_hash = excluded.definition_hash,
            table_key = excluded.table_key, labelled_at = now()
      returning matched)
    select count(*)::int as labelled, count(*) filter (where matched)::int as matched from written`.execute(
    db,
  );
  const row = result.rows[0];
  return {
    label,
    table: context.table.key,
    labelled: Number(row?.labelled ?? 0),
    matched: Number(row?.matched ?? 0),
    definitionHash: hash,
  };
}
