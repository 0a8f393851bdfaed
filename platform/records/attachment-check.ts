// Attachment fields hold file ids: each must be a file of this space whose sniffed type the field accepts.
import type { Db } from '../db/database';
import type { FieldIssue } from './record-validator';
import type { RecordJson } from './record-values';
import type { TableContext } from './table-context';

/** Whether a MIME type matches an accept entry such as `application/pdf` or `image/*`. */
export function mimeAccepted(mime: string, accept: readonly string[] | undefined): boolean {
  if (!accept || accept.length === 0) return true;
  return accept.some((a) => (a.endsWith('/*') ? mime.startsWith(a.slice(0, -1)) : mime === a));
}

/**
 * Checks every attachment value in `values` with one query; returns the problems per field.
 * @example await checkAttachments(db, context, { ethics_filing: [fileId] }) // [] when fine
 */
export async function checkAttachments(
  db: Pick<Db, 'selectFrom'>,
  context: TableContext,
  values: RecordJson,
): Promise<FieldIssue[]> {
  const fields = context.table.fields.filter(
    (f): f is Extract<typeof f, { type: 'attachments' }> =>
      f.type === 'attachments' && Array.isArray(values[f.key]),
  );
  const ids = [...new Set(fields.flatMap((f) => values[f.key] as string[]))];
  if (ids.length === 0) return [];
  const files = await db
    .selectFrom('platform.files')
    .select(['id', 'mime_type'])
    .where('space_id', '=', context.space.id)
    .where('id', 'in', ids)
    .execute();
  const mimeById = new Map(files.map((f) => [f.id, f.mime_type]));
  const issues: FieldIssue[] = [];
  for (const field of fields) {
    (values[field.key] as string[]).forEach((id, index) => {
      const mime = mimeById.get(id);
      const pointer = `/${field.key}/${index}`;
      if (mime === undefined) {
        issues.push({
          pointer,
          field: field.key,
          code: 'UNKNOWN_FILE',
          message: {
            'zh-CN': '文件不存在，请先上传',
            en: 'no such file in this space; upload it first',
          },
        });
      } else if (!mimeAccepted(mime, field.accept)) {
        const accepted = (field.accept ?? []).join(', ');
        issues.push({
          pointer,
          field: field.key,
          code: 'FILE_TYPE_REFUSED',
          message: {
            'zh-CN': `文件类型 ${mime} 不被接受（允许：${accepted}）`,
            en: `file type ${mime} is not accepted (allowed: ${accepted})`,
          },
        });
      }
    });
  }
  return issues;
}
