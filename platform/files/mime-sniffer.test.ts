import { describe, expect, it } from 'vitest';
import { sniffMimeType } from './mime-sniffer';

type Part = string | number | readonly number[] | Uint8Array;

/** Concatenates ASCII text, single bytes and byte arrays into one fixture. */
function bytes(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') out.push(...Array.from(part, (ch) => ch.charCodeAt(0)));
    else if (typeof part === 'number') out.push(part);
    else out.push(...part);
  }
  return Uint8Array.from(out);
}

const le16 = (n: number) => [n & 0xff, n >> 8];
const le32 = (n: number) => [...le16(n & 0xffff), ...le16(n >>> 16)];
const be32 = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

/** A zip local file header for an entry, followed by `size` bytes of opaque content. */
function zipEntry(name: string, size = 16): Uint8Array {
  return bytes(
    'PK',
    [3, 4, 20, 0, 0, 0, 8, 0],
    le32(0),
    le32(0),
    le32(size),
    le32(size * 3),
    le16(name.length),
    le16(0),
    name,
    new Uint8Array(size).fill(0x9c),
  );
}

function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + compatible.length * 4;
  return bytes(be32(size), 'ftyp', major, le32(0), ...compatible, be32(8), 'mdat');
}

const oleHeader = bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], new Uint8Array(504));
const utf16 = (text: string) => Array.from(text).flatMap((ch) => [ch.charCodeAt(0), 0]);

/** A 128-byte OLE directory entry: UTF-16LE name, padded, its byte length (with NUL) at +64. */
function directoryEntry(name: string): Uint8Array {
  const entry = new Uint8Array(128);
  entry.set(utf16(name));
  entry.set(le16((name.length + 1) * 2), 64);
  return entry;
}

describe('sniffMimeType', () => {
  it.each([
    ['a PDF', bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'), 'application/pdf'],
    [
      'a PNG',
      bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], le32(13), 'IHDR'),
      'image/png',
    ],
    ['a JPEG', bytes([0xff, 0xd8, 0xff, 0xe0], le16(16), 'JFIF', 0), 'image/jpeg'],
    ['a GIF', bytes('GIF89a', le16(1), le16(1)), 'image/gif'],
    ['a WebP', bytes('RIFF', le32(26), 'WEBPVP8 '), 'image/webp'],
    ['a WAV', bytes('RIFF', le32(36), 'WAVEfmt '), 'audio/wav'],
    ['a little-endian TIFF', bytes('II', [0x2a, 0], le32(8)), 'image/tiff'],
    ['a big-endian TIFF', bytes('MM', [0, 0x2a], be32(8)), 'image/tiff'],
    ['an AMR voice memo', bytes('#!AMR\n', [0x3c, 0x91]), 'audio/amr'],
    ['a wide-band AMR voice memo', bytes('#!AMR-WB\n', [0x2c]), 'audio/amr-wb'],
    ['a SILK voice message', bytes('#!SILK_V3', [0x0c, 0x00]), 'audio/silk'],
    ['a WeChat SILK voice message', bytes(2, '#!SILK_V3', [0x0c, 0x00]), 'audio/silk'],
    ['an MP3 with an ID3 tag', bytes('ID3', [4, 0, 0], le32(0)), 'audio/mpeg'],
    ['an MP3 starting with a frame header', bytes([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg'],
    ['AAC in ADTS frames', bytes([0xff, 0xf1, 0x50, 0x80]), 'audio/aac'],
  ])('recognises %s', (_what, head, mime) => {
    expect(sniffMimeType(head)).toBe(mime);
  });

  it('recognises a BMP by its header, not by the letters BM alone', () => {
    const bmp = bytes('BM', le32(70), le32(0), le32(54), le32(40), le32(1), le32(1));
    expect(sniffMimeType(bmp)).toBe('image/bmp');
    expect(sniffMimeType(bytes('BMW dealers in Jiangsu\n'))).toBe('text/plain');
  });

  describe('ISO media (ftyp)', () => {
    it.each([
      ['an iPhone photo', ftyp('heic', 'mif1', 'heic'), 'image/heic'],
      ['a HEIF image branded mif1 carrying HEVC', ftyp('mif1', 'mif1', 'heic'), 'image/heic'],
      ['a plain HEIF image', ftyp('mif1', 'mif1'), 'image/heif'],
      ['an AVIF image', ftyp('avif', 'avif', 'mif1'), 'image/avif'],
      ['an MP4 video', ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'), 'video/mp4'],
      ['an M4A recording', ftyp('M4A ', 'M4A ', 'mp42', 'isom'), 'audio/mp4'],
      ['a QuickTime movie', ftyp('qt  ', 'qt  '), 'video/quicktime'],
      ['a 3GP clip', ftyp('3gp4', '3gp4', 'isom'), 'video/3gpp'],
    ])('recognises %s', (_what, head, mime) => {
      expect(sniffMimeType(head)).toBe(mime);
    });
  });

  describe('zip containers', () => {
    it('tells a workbook, a document and a presentation apart by their entry names', () => {
      const start = [zipEntry('[Content_Types].xml'), zipEntry('_rels/.rels')];
      expect(sniffMimeType(bytes(...start, zipEntry('xl/workbook.xml')))).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      expect(sniffMimeType(bytes(...start, zipEntry('word/document.xml')))).toBe(
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      );
      expect(sniffMimeType(bytes(...start, zipEntry('ppt/presentation.xml')))).toBe(
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      );
    });

    it('decides by the first Office entry, not by the entries of an embedded workbook', () => {
      const embedded = zipEntry('xl/workbook.xml');
      const head = bytes(
        zipEntry('ppt/presentation.xml'),
        zipEntry('ppt/embeddings/Microsoft_Excel_Worksheet.xlsx', 0),
        embedded,
      );
      expect(sniffMimeType(head)).toBe(
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      );
    });

    it('reads names from the central directory of a small archive', () => {
      const central = bytes(
        'PK',
        [1, 2],
        new Uint8Array(24),
        le16(15),
        new Uint8Array(16),
        'xl/workbook.xml',
      );
      const head = bytes(zipEntry('[Content_Types].xml', 4000), central);
      expect(sniffMimeType(head)).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
    });

    it('calls any other archive application/zip, even when the client names it .xlsx', () => {
      const head = bytes(zipEntry('photos/visit-1.jpg'), zipEntry('photos/visit-2.jpg'));
      expect(sniffMimeType(head, 'report.xlsx')).toBe('application/zip');
    });
  });

  describe('legacy Office (OLE)', () => {
    it('names the type from a directory entry found in the head', () => {
      const head = bytes(oleHeader, directoryEntry('Root Entry'), directoryEntry('Workbook'));
      expect(sniffMimeType(head, 'whatever.bin')).toBe('application/vnd.ms-excel');
    });

    it('ignores the same words in document text outside a directory entry', () => {
      const text = bytes(utf16('Order Book for Q3'), new Uint8Array(94));
      const head = bytes(oleHeader, directoryEntry('WordDocument'), text);
      expect(sniffMimeType(head, 'minutes.bin')).toBe('application/msword');
    });

    it('falls back to the extension when the directory lies beyond the head', () => {
      expect(sniffMimeType(oleHeader, '报价单.XLS')).toBe('application/vnd.ms-excel');
      expect(sniffMimeType(oleHeader, 'contract.doc')).toBe('application/msword');
      expect(sniffMimeType(oleHeader, 'unknown.dat')).toBe('application/x-ole-storage');
    });
  });

  describe('text', () => {
    const csv = new TextEncoder().encode('姓名,电话,医院\n张三,13800138000,协和医院\n');

    it('calls UTF-8 without NUL bytes text, and CSV when the name ends with .csv', () => {
      expect(sniffMimeType(csv, 'leads.csv')).toBe('text/csv');
      expect(sniffMimeType(csv, 'leads.txt')).toBe('text/plain');
      expect(sniffMimeType(csv)).toBe('text/plain');
    });

    it('accepts a head that ends inside a multi-byte character', () => {
      expect(sniffMimeType(csv.subarray(0, 4), 'leads.csv')).toBe('text/csv');
    });

    it('never calls bytes text when they are not UTF-8 or contain NUL', () => {
      const gbk = Uint8Array.from([0xd5, 0xc5, 0xc8, 0xfd, 0x2c, 0x31, 0x0a]);
      expect(sniffMimeType(gbk, 'leads.csv')).toBe('application/octet-stream');
      expect(sniffMimeType(bytes('abc', 0, 'def'), 'notes.txt')).toBe('application/octet-stream');
    });

    it('does not let a .csv name turn binary into text', () => {
      const png = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(sniffMimeType(png, 'leads.csv')).toBe('image/png');
    });
  });

  it('finds a PDF header preceded by a few stray bytes', () => {
    expect(sniffMimeType(bytes([0xef, 0xbb, 0xbf], '\r\n%PDF-1.4\n', [0xe2, 0xe3]))).toBe(
      'application/pdf',
    );
  });

  it('answers application/octet-stream for empty or unknown bytes', () => {
    expect(sniffMimeType(new Uint8Array())).toBe('application/octet-stream');
    expect(sniffMimeType(Uint8Array.from([0x00, 0x01, 0x02, 0xfe]))).toBe(
      'application/octet-stream',
    );
  });
});
