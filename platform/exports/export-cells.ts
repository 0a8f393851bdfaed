// How a record's values read in an exported sheet: labels for options and stages, names for relations.
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { optionsOf } from '../../runtime/definition/resolve-options';
import { localize, type Locale } from '../../runtime/localized-text';
import type { RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';

export type ExportCell = string | number | null;

export interface ExportColumn {
  readonly key: string;
  readonly header: string;
  /** The cell of one record; relation titles come from its `_expanded` part. */
  readonly cell: (record: RecordJson) => ExportCell;
}

/** Items of list fields are joined with the ideographic comma, which imports split on too. */
const listJoin = '、';

/**
 * The exported columns of a table: every field (computed ones too) headed by its label in
 * `locale`, then the stage when the table has stages.
 * @example exportColumns(context, 'zh-CN')[0].header // '姓名'
 */
export function exportColumns(context: TableContext, locale: Locale): ExportColumn[] {
  const columns = context.table.fields.map((field) => ({
    key: field.key,
    header: localize(field.label, locale),
    cell: cellOf(context, field, locale),
  }));
  const stages = context.table.stages ?? [];
  if (stages.length > 0) {
    const labels = new Map(stages.map((s) => [s.key, localize(s.label, locale)]));
    columns.push({
      key: 'stage',
      header: locale === 'en' ? 'Stage' : '阶段',
      cell: (r) => (typeof r.stage === 'string' ? (labels.get(r.stage) ?? r.stage) : null),
    });
  }
  return columns;
}

/** Relation fields whose cells need the related record (for its title). */
export function relationKeys(context: TableContext): string[] {
  return context.table.fields.filter((f) => f.type === 'relation').map((f) => f.key);
}

function cellOf(
  context: TableContext,
  field: FieldDefinition,
  locale: Locale,
): (record: RecordJson) => ExportCell {
  const key = field.key;
  switch (field.type) {
    case 'select':
    case 'multi_select': {
      const labels = new Map(
        optionsOf(field, context.definition.lists).map((o) => [o.value, localize(o.label, locale)]),
      );
      const label = (v: unknown) => labels.get(String(v)) ?? String(v);
      return (r) =>
        Array.isArray(r[key])
          ? (r[key] as unknown[]).map(label).join(listJoin) || null
          : r[key] === null || r[key] === undefined
            ? null
            : label(r[key]);
    }
    case 'tags':
    case 'attachments':
      return (r) => (Array.isArray(r[key]) ? (r[key] as unknown[]).join(listJoin) || null : null);
    case 'boolean': {
      const [yes, no] = locale === 'en' ? ['yes', 'no'] : ['是', '否'];
      return (r) => (r[key] === true ? yes : r[key] === false ? no : null);
    }
    case 'datetime':
      return (r) => (typeof r[key] === 'string' ? shanghaiTime(r[key]) : null);
    case 'json':
      return (r) => (r[key] === null || r[key] === undefined ? null : JSON.stringify(r[key]));
    case 'relation': {
      const target = context.definition.tables.find((t) => t.key === field.table);
      const title = target?.titleField;
      return (r) => {
        const related = (r._expanded as Record<string, RecordJson | null> | undefined)?.[key];
        const name = title && related ? related[title] : undefined;
        return name !== undefined && name !== null ? String(name) : ((r[key] as string) ?? null);
      };
    }
    default:
      return (r) => {
        const v = r[key];
        if (v === null || v === undefined) return null;
        return typeof v === 'number' ? v : String(v);
      };
  }
}

/** An instant as China Standard Time wall-clock text, which imports read back as the same instant. */
function shanghaiTime(iso: string): string {
  const shifted = new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}
