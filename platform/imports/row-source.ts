// Opens an uploaded file as a stream of rows: the header row names the columns, cells are normalised.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import Papa from 'papaparse';
import { ImportFileUnreadableError } from './import-errors';
import { decoderStream, detectEncoding, type CsvEncoding } from './text-encoding';
import type { Cell } from './cell-value';
import { xlsxRows } from './xlsx-rows';

export interface SourceRow {
  /** The row number a spreadsheet shows (header = 1). */
  readonly row: number;
  readonly cells: readonly Cell[];
}

export interface RowSource {
  readonly format: 'csv' | 'xlsx';
  /** The CSV's encoding; null for .xlsx. */
  readonly encoding: CsvEncoding | null;
  /** Header names, trimmed; blank ones are `column_<n>`, repeated ones `name (2)`, `name (3)`… */
  readonly columns: readonly string[];
  /** The data rows after the header, fully empty rows left out. Iterate once. */
  readonly rows: AsyncIterable<SourceRow>;
  /** Bytes of the file read so far (for progress). */
  bytesRead(): number;
  /** Stops reading and releases the file. */
  close(): void;
}

export interface RowSourceOptions {
  readonly encoding?: 'auto' | CsvEncoding;
  /** 1-based sheet number of an .xlsx file. */
  readonly sheet?: number;
}

const sampleBytes = 64 * 1024;

/**
 * Opens a CSV or .xlsx file (told apart by its first bytes, not its name) and reads its header.
 * @example const source = await openRowSource('/tmp/leads.csv'); for await (const r of source.rows) …
 */
export async function openRowSource(
  path: string,
  options: RowSourceOptions = {},
): Promise<RowSource> {
  const handle = await open(path);
  const sample = Buffer.alloc(sampleBytes);
  const { bytesRead: sampled } = await handle.read(sample, 0, sampleBytes, 0);
  const size = (await handle.stat()).size;
  await handle.close();
  const head = sample.subarray(0, sampled);
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw new ImportFileUnreadableError(
      'this is a legacy .xls workbook; save it as .xlsx or CSV and upload again',
    );
  }

  const isZip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  const file = isZip ? undefined : createReadStream(path, { highWaterMark: 256 * 1024 });
  let sheetShare = 0;
  const encoding = isZip
    ? null
    : options.encoding && options.encoding !== 'auto'
      ? options.encoding
      : detectEncoding(head, sampled >= size);
  const iterator = (
    file
      ? csvRows(file, encoding!)
      : xlsxRows(path, options.sheet ?? 1, (share) => (sheetShare = share))
  )[Symbol.asyncIterator]();
  const stop = () => {
    file?.destroy();
    void iterator.return?.(undefined);
  };

  let header: SourceRow | undefined;
  try {
    const first = await iterator.next();
    header = first.done ? undefined : first.value;
  } catch (error) {
    stop();
    throw new ImportFileUnreadableError((error as Error).message ?? String(error));
  }
  if (!header) {
    stop();
    throw new ImportFileUnreadableError('it has no header row');
  }
  const seen = new Map<string, number>();
  const columns = header.cells.map((c, i) => {
    const name = c === null ? '' : String(c).trim();
    const base = name === '' ? `column_${i + 1}` : name;
    // A repeated header name gets a number, so a mapping can name each column.
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
  return {
    format: isZip ? 'xlsx' : 'csv',
    encoding,
    columns,
    rows: { [Symbol.asyncIterator]: () => iterator },
    // An .xlsx is read by random access: its progress is the share of the sheet's XML read.
    bytesRead: () => (file ? file.bytesRead : Math.round(sheetShare * size)),
    close: stop,
  };
}

/** Rows of a CSV; the delimiter (comma, tab, semicolon, pipe) is detected. */
async function* csvRows(file: Readable, encoding: CsvEncoding): AsyncGenerator<SourceRow> {
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: '', skipEmptyLines: false });
  const failure: { error?: Error } = {};
  pipeline(file, decoderStream(encoding), parser, (error) => {
    if (error) failure.error = error;
  });
  let row = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    row++;
    if (row === 1 || record.some((v) => v !== '')) {
      yield { row, cells: record.map((v) => (v === '' ? null : v)) };
    }
  }
  if (failure.error) throw failure.error;
}
