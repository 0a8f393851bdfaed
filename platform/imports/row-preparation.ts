// Turns a batch of file rows into record input: transforms, type conversion, relation lookups, prepareCreate.
import { sql } from 'kysely';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import type { Db } from '../db/database';
import { columnType, tableRef } from '../definitions/column-sql';
import { checkAttachments } from '../records/attachment-check';
import { prepareCreate } from '../records/record-service';
import { stagingLine } from './bulk-insert';
import type { FieldIssue } from '../records/record-validator';
import { fromColumn, type RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';
import { converterFor, toList, type MappedCell } from './cell-conversion';
import type { Cell } from './cell-value';
import { text, type RowIssue } from './import-errors';
import type { CompiledMapping, RelationLookup } from './import-mapping';
import type { SourceRow } from './row-source';

export interface PreparedRow {
  readonly row: number;
  /** Converted values of the non-empty mapped cells, relations as record ids. */
  input: RecordJson;
  /** Problems converting cells or finding related records: the row is refused whatever else. */
  readonly issues: RowIssue[];
  /** The create path's verdict on `input`; its problems are in `issues` too when that is not empty. */
  create?: ReturnType<typeof prepareCreate>;
  /** With `compact`, a good row's staging line; its `input` and values are then dropped. */
  line?: string;
}

const dropped: RecordJson = Object.freeze({});

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Prepares a batch: every cell converted by its field's type, relation cells resolved in one query
 * per relation field, then the same validation and rule pipeline as any create (`prepareCreate`).
 * `compact` (for runs that only create) turns each good row into its staging COPY line at once.
 * @example const prepared = await prepareRows(db, context, mapping, rows, new Date())
 */
export async function prepareRows(
  db: Db,
  context: TableContext,
  mapping: CompiledMapping,
  rows: readonly SourceRow[],
  now: Date,
  options: { readonly compact?: boolean } = {},
): Promise<PreparedRow[]> {
  const prepared: PreparedRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    prepared.push(mapRow(mapping, rows[i]!));
    // Give the event loop a turn now and then, so a batch loading meanwhile keeps streaming.
    if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  for (const lookup of mapping.relations) {
    const column = mapping.columns.find((c) => c.field.key === lookup.field)?.column ?? null;
    await resolveRelation(db, context, lookup, column, prepared);
  }
  const attachments = mapping.columns.some((c) => c.field.type === 'attachments');
  for (const [i, p] of prepared.entries()) {
    if (i % 250 === 249) await new Promise((resolve) => setImmediate(resolve));
    p.create = prepareCreate(context, p.input, now);
    // Attachment ids must name files of this space with an accepted type, as for any create.
    if (attachments && p.create.ok) {
      const fileIssues = await checkAttachments(db, context, p.create.values);
      if (fileIssues.length > 0) p.create = { ok: false, issues: fileIssues };
    }
    if (p.create.ok && p.issues.length === 0 && options.compact) {
      // Only creates follow (no matching): keep the COPY line, let the objects die young.
      p.line = stagingLine(context, p.row, p.create.values);
      p.input = dropped;
      p.create = { ok: true, values: dropped };
    }
    if (p.issues.length === 0 || p.create.ok) continue;
    // A row with unreadable cells still gets every other problem reported, once per field.
    const reported = new Set(p.issues.map((i) => i.field));
    const more = p.create.issues.filter((i) => !reported.has(i.field));
    p.issues.push(...rowIssues(p.row, more, mapping));
  }
  return prepared;
}

/** Field issues from validation as row issues, naming the column each field came from. */
export function rowIssues(
  row: number,
  issues: readonly FieldIssue[],
  mapping: CompiledMapping,
): RowIssue[] {
  return issues.map((i) => ({
    row,
    column: mapping.columns.find((c) => c.field.key === i.field)?.column ?? null,
    field: i.field,
    code: i.code,
    message: i.message,
  }));
}

function mapRow(mapping: CompiledMapping, source: SourceRow): PreparedRow {
  const input: RecordJson = {};
  const issues: RowIssue[] = [];
  for (const column of mapping.columns) {
    const cell = transform(source.cells[column.index] ?? null, column.transform);
    if (cell === null || (Array.isArray(cell) && cell.length === 0)) continue;
    const converted = column.convert(cell);
    if (converted.ok) input[column.field.key] = converted.value;
    else {
      issues.push({
        row: source.row,
        column: column.column,
        field: column.field.key,
        code: converted.code,
        message: converted.message,
      });
    }
  }
  return { row: source.row, input, issues };
}

function transform(cell: Cell, how: 'trim' | 'lower' | 'split_list' | undefined): MappedCell {
  if (cell === null || how === undefined) return cell;
  if (how === 'split_list') return toList(cell);
  if (typeof cell !== 'string') return cell;
  const t = how === 'trim' ? cell.trim() : cell.toLowerCase();
  return t === '' ? null : t;
}

/** Replaces the named records of one relation column by their ids; unknown names are row issues. */
async function resolveRelation(
  db: Db,
  context: TableContext,
  lookup: RelationLookup,
  column: string | null,
  rows: PreparedRow[],
): Promise<void> {
  const byField = lookup.by === 'id' ? undefined : lookup.by;
  const convert = byField ? converterFor(byField) : undefined;
  const wanted = new Map<string, unknown>();
  for (const r of rows) {
    const raw = r.input[lookup.field];
    if (typeof raw !== 'string' || wanted.has(raw)) continue;
    if (!byField) {
      if (uuidPattern.test(raw)) wanted.set(raw, raw.toLowerCase());
      continue;
    }
    const converted = convert!(raw);
    if (converted.ok) wanted.set(raw, converted.value);
  }
  const by = byField ? byField.key : 'id';
  const type = byField ? columnType(byField) : 'uuid';
  const values = [...new Set(wanted.values())];
  const found =
    values.length === 0
      ? []
      : (
          await sql<{ id: string; key: unknown }>`
            select id, ${sql.raw(q(by))} as key
            from ${sql.raw(tableRef(context.space.schemaName, lookup.target.key))}
            where ${sql.raw(q(by))} = any(${values}::${sql.raw(type)}[]) and deleted_at is null`.execute(
            db,
          )
        ).rows;
  const ids = new Map(
    found.map((f) => [String(byField ? fromColumn(byField, f.key) : f.key), f.id]),
  );
  for (const r of rows) {
    const raw = r.input[lookup.field];
    if (typeof raw !== 'string') continue;
    const key = wanted.has(raw) ? String(wanted.get(raw)) : undefined;
    const id = key === undefined ? undefined : ids.get(key);
    if (id !== undefined) {
      r.input[lookup.field] = id;
      continue;
    }
    delete r.input[lookup.field];
    r.issues.push({
      row: r.row,
      column,
      field: lookup.field,
      code: 'UNKNOWN_RELATED_RECORD',
      message: text(
        `「${lookup.target.label['zh-CN']}」中没有 ${by} 为「${raw}」的记录`,
        `no ${lookup.target.label.en} record has ${by} "${raw}"`,
      ),
    });
  }
}
