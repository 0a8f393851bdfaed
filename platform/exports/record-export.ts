// Streams every record matching a list query as CSV or .xlsx, a page at a time as the client reads.
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Locale } from '../../runtime/localized-text';
import type { Database, Db } from '../db/database';
import { expandRecords } from '../records/record-expansion';
import { listRecords, type ListQuery } from '../records/record-query';
import type { RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';
import { exportColumns, relationKeys, type ExportColumn } from './export-cells';
import { csvRow, utf8Bom } from './export-csv';
import { isPlainScan, scanTable } from './table-scan';

export type ExportFormat = 'csv' | 'xlsx';

export interface ExportRequest {
  readonly format: ExportFormat;
  readonly locale: Locale;
  readonly query: Omit<ListQuery, 'limit' | 'cursor'>;
  /** Records per page read from the database. */
  readonly pageSize?: number;
  /** Only these fields become columns (the caller's readable ones); every field when absent. */
  readonly fields?: ReadonlySet<string>;
  /** What the caller may see of a page with its relations expanded (platform/permissions). */
  readonly present?: (records: RecordJson[]) => Promise<RecordJson[]>;
}

/**
 * The export as a byte stream. Pages are read only as the client takes the bytes, so a slow
 * download holds one page in memory, whatever the table's size. A plain export (no filter, no
 * search) reads one server-side cursor; a filtered one pages through `listRecords`. Query errors
 * (an unknown filter field) surface before the first byte, as a 400.
 * @example return c.body(await exportRecords(database, context, { format: 'csv', locale: 'zh-CN', query: {} }))
 */
export async function exportRecords(
  database: Database,
  context: TableContext,
  request: ExportRequest,
): Promise<ReadableStream<Uint8Array>> {
  const { db } = database;
  const columns = exportColumns(context, request.locale).filter(
    (c) => request.fields === undefined || request.fields.has(c.key),
  );
  const relations = relationKeys(context);
  const limit = request.pageSize ?? 1000;
  // A row scope is a WHERE clause only the keyset pages apply.
  const read =
    isPlainScan(request.query) && !request.query.scope
      ? cursorPages(scanTable(database.sql, context, request.query, limit))
      : keysetPages(db, context, request.query, limit);
  const nextPage = async (): Promise<Page | undefined> => {
    const records = await read.next();
    if (!records) return undefined;
    const expanded = await expandRecords(db, context, records, relations);
    const shown = request.present ? await request.present(expanded) : expanded;
    return shown.map((r) => columns.map((c) => c.cell(r)));
  };
  // The first page is read now, so a bad query is refused before the answer starts.
  const first = await nextPage();
  const stop = () => void read.stop().catch(() => undefined);
  return request.format === 'csv'
    ? csvStream(columns, first ?? [], nextPage, stop)
    : xlsxStream(context, columns, first ?? [], nextPage, stop);
}

interface PageReader {
  /** The next page of records, or undefined after the last. */
  next(): Promise<RecordJson[] | undefined>;
  stop(): Promise<void>;
}

function cursorPages(rows: AsyncIterator<RecordJson[]>): PageReader {
  return {
    next: async () => {
      const page = await rows.next();
      return page.done ? undefined : page.value;
    },
    stop: async () => void (await rows.return?.()),
  };
}

function keysetPages(
  db: Db,
  context: TableContext,
  query: ExportRequest['query'],
  limit: number,
): PageReader {
  let cursor: string | undefined;
  let done = false;
  return {
    next: async () => {
      if (done) return undefined;
      const page = await listRecords(db, context, { ...query, limit, cursor });
      // A cursor that does not move would stream the same page for ever.
      if (page.nextCursor !== null && page.nextCursor === cursor) {
        throw new Error('export cursor did not advance; stopping instead of repeating rows');
      }
      cursor = page.nextCursor ?? undefined;
      done = page.nextCursor === null;
      return page.records;
    },
    stop: async () => undefined,
  };
}

type Page = ReadonlyArray<ReadonlyArray<string | number | null>>;
type NextPage = () => Promise<Page | undefined>;

function csvStream(
  columns: readonly ExportColumn[],
  first: Page,
  next: NextPage,
  stop: () => void,
) {
  const encoder = new TextEncoder();
  let pending: Page | undefined = first;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(utf8Bom + csvRow(columns.map((c) => c.header))));
    },
    async pull(controller) {
      const page = pending ?? (await next());
      pending = undefined;
      if (!page) return controller.close();
      controller.enqueue(encoder.encode(page.map(csvRow).join('')));
    },
    cancel: stop,
  });
}

function xlsxStream(
  context: TableContext,
  columns: readonly ExportColumn[],
  first: Page,
  next: NextPage,
  stop: () => void,
) {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet(context.table.key);
  sheet.addRow(columns.map((c) => c.header)).commit();
  let pending: Page | undefined = first;
  let finished = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      out.on('data', (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
      out.on('end', () => controller.close());
      out.on('error', (error) => controller.error(error));
    },
    async pull() {
      if (finished) return;
      const page = pending ?? (await next());
      pending = undefined;
      if (!page) {
        finished = true;
        sheet.commit();
        await workbook.commit();
        return;
      }
      for (const values of page) sheet.addRow(values as unknown[]).commit();
      // Let the zip compress what was written before asking for more.
      await new Promise((resolve) => setImmediate(resolve));
    },
    cancel() {
      stop();
      out.destroy();
    },
  });
}
