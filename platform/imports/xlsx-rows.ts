// Streams the rows of one sheet of an .xlsx: random access to the zip, a fast scan of the sheet's XML.
// exceljs's streaming reader is not used: it decodes every inflated chunk on its own and turns a
// character split across two chunks into U+FFFD (exceljs/exceljs#2063), which mangles Chinese.
import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { sheetRows, unescapeOoxml, type XlsxRow } from './xlsx-sheet-scan';

export type { XlsxRow };

/** Built-in number formats that show dates or times (ECMA-376 18.8.30). */
const builtinDateFormats = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57,
]);

/**
 * The rows of sheet number `sheet` (1-based, workbook order) of the .xlsx at `path`, fully empty
 * rows left out. Shared strings are held in memory (as every xlsx reader must); rows are not.
 * `progress` gets the share (0–1) of the sheet's XML read so far.
 * @example for await (const { row, cells } of xlsxRows('/tmp/leads.xlsx', 1, () => {})) …
 */
export async function* xlsxRows(
  path: string,
  sheet: number,
  progress: (share: number) => void,
): AsyncGenerator<XlsxRow> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  try {
    const entries = await listEntries(zip);
    const read = (name: string) => {
      const entry = entries.get(name);
      return entry ? zip.openReadStreamPromise(entry) : undefined;
    };
    const target = await sheetPath(read, sheet);
    const entry = entries.get(target);
    if (!entry) throw new Error(`the workbook has no sheet ${sheet}`);
    const dates = await dateStyles(read);
    const strings = await sharedStrings(read);
    let seen = 0;
    const stream = await zip.openReadStreamPromise(entry);
    stream.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      progress(entry.uncompressedSize > 0 ? seen / entry.uncompressedSize : 1);
    });
    yield* sheetRows(stream, strings, dates);
  } finally {
    zip.close();
  }
}

type Open = (name: string) => Promise<Readable> | undefined;

function listEntries(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on('entry', (entry: Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}

/** Runs a SAX parse over a stream, decoding UTF-8 across chunk boundaries; yields after each chunk. */
async function* parse(
  stream: Readable,
  handle: (parser: SaxesParser) => void,
): AsyncGenerator<void> {
  const parser = new SaxesParser();
  let failure: Error | undefined;
  parser.on('error', (error) => (failure ??= error));
  handle(parser);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of stream) {
    parser.write(decoder.decode(chunk as Buffer, { stream: true }));
    if (failure) throw failure;
    yield;
  }
  parser.write(decoder.decode());
  parser.close();
  if (failure) throw failure;
}

async function drain(generator: AsyncGenerator<void>): Promise<void> {
  for await (const _ of generator) void _;
}

/** `xl/worksheets/sheetN.xml` of the nth sheet, through workbook.xml and its relationships. */
async function sheetPath(open: Open, sheet: number): Promise<string> {
  const ids: string[] = [];
  const targets = new Map<string, string>();
  const workbook = open('xl/workbook.xml');
  if (workbook) {
    await drain(
      parse(await workbook, (p) =>
        p.on('opentag', (tag) => {
          if (tag.name === 'sheet') ids.push(String(tag.attributes['r:id'] ?? ''));
        }),
      ),
    );
  }
  const rels = open('xl/_rels/workbook.xml.rels');
  if (rels) {
    await drain(
      parse(await rels, (p) =>
        p.on('opentag', (tag) => {
          if (tag.name === 'Relationship')
            targets.set(String(tag.attributes.Id), String(tag.attributes.Target));
        }),
      ),
    );
  }
  const target = targets.get(ids[sheet - 1] ?? '');
  if (!target) return `xl/worksheets/sheet${sheet}.xml`;
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

/** Which cell style indexes format their number as a date or time. */
async function dateStyles(open: Open): Promise<boolean[]> {
  const styles = open('xl/styles.xml');
  if (!styles) return [];
  const custom = new Map<number, string>();
  const formats: number[] = [];
  let inCellXfs = false;
  await drain(
    parse(await styles, (p) => {
      p.on('opentag', (tag) => {
        if (tag.name === 'numFmt')
          custom.set(Number(tag.attributes.numFmtId), String(tag.attributes.formatCode ?? ''));
        else if (tag.name === 'cellXfs') inCellXfs = true;
        else if (tag.name === 'xf' && inCellXfs) formats.push(Number(tag.attributes.numFmtId ?? 0));
      });
      p.on('closetag', (tag) => {
        if (tag.name === 'cellXfs') inCellXfs = false;
      });
    }),
  );
  return formats.map((id) => builtinDateFormats.has(id) || isDateFormat(custom.get(id)));
}

/** A custom format shows a date when it has date or time letters outside quotes and [colours]. */
function isDateFormat(code: string | undefined): boolean {
  if (!code) return false;
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[ymdhs]/i.test(bare) && !/^[#0.,%\s]*$/.test(bare);
}

/** The shared string table; rich text runs are joined, phonetic guides (rPh) left out. */
async function sharedStrings(open: Open): Promise<string[]> {
  const table = open('xl/sharedStrings.xml');
  if (!table) return [];
  const strings: string[] = [];
  let current = '';
  let inText = false;
  let phonetic = 0;
  await drain(
    parse(await table, (p) => {
      p.on('opentag', (tag) => {
        if (tag.name === 'si') current = '';
        else if (tag.name === 'rPh') phonetic++;
        else if (tag.name === 't' && phonetic === 0) inText = true;
      });
      p.on('text', (text) => {
        if (inText) current += text;
      });
      p.on('closetag', (tag) => {
        if (tag.name === 't') inText = false;
        else if (tag.name === 'rPh') phonetic--;
        else if (tag.name === 'si') strings.push(unescapeOoxml(current));
      });
    }),
  );
  return strings;
}
