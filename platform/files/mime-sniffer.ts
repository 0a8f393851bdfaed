// Detects a file's MIME type from its first bytes; the type a client claims is never consulted.

/** How many leading bytes `sniffMimeType` needs: enough for zip entry names and ftyp brands. */
export const sniffLength = 4100;

export const octetStream = 'application/octet-stream';

/** A byte pattern at an offset; `undefined` matches any byte. */
type Pattern = readonly (number | undefined)[];

/** A detector answers with a MIME type or passes. */
type Detector = (head: Uint8Array, fileName: string) => string | undefined;

const ascii = (text: string): Pattern => Array.from(text, (ch) => ch.charCodeAt(0));
const any = (count: number): Pattern => Array.from({ length: count }, () => undefined);

/** Fixed signatures, checked in order. Longer patterns come before their prefixes. */
const signatures: readonly (readonly [mime: string, pattern: Pattern, offset?: number])[] = [
  ['application/pdf', ascii('%PDF-')],
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', ascii('GIF87a')],
  ['image/gif', ascii('GIF89a')],
  ['image/webp', [...ascii('RIFF'), ...any(4), ...ascii('WEBP')]],
  ['audio/wav', [...ascii('RIFF'), ...any(4), ...ascii('WAVE')]],
  ['video/x-msvideo', [...ascii('RIFF'), ...any(4), ...ascii('AVI ')]],
  ['image/tiff', [0x49, 0x49, 0x2a, 0x00]],
  ['image/tiff', [0x4d, 0x4d, 0x00, 0x2a]],
  // Voice memos: AMR from Android phones' recorders, SILK from WeChat (often after a 0x02 byte).
  ['audio/amr-wb', ascii('#!AMR-WB\n')],
  ['audio/amr', ascii('#!AMR\n')],
  ['audio/silk', ascii('#!SILK_V3')],
  ['audio/silk', [0x02, ...ascii('#!SILK_V3')]],
  ['audio/mpeg', ascii('ID3')],
  ['audio/ogg', ascii('OggS')],
  ['audio/flac', ascii('fLaC')],
  ['application/x-7z-compressed', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['application/vnd.rar', [...ascii('Rar!'), 0x1a, 0x07]],
  ['application/gzip', [0x1f, 0x8b, 0x08]],
];

const ooxml = {
  'word/': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'xl/': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'ppt/': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
} as const;

const oleStorage: Pattern = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** Stream names in an OLE directory (UTF-16LE) and, failing that, extensions, per legacy type. */
const oleKinds = [
  { mime: 'application/vnd.ms-excel', streams: ['Workbook', 'Book'], ext: /\.(xls|xlt)$/i },
  { mime: 'application/msword', streams: ['WordDocument'], ext: /\.(doc|dot)$/i },
  {
    mime: 'application/vnd.ms-powerpoint',
    streams: ['PowerPoint Document'],
    ext: /\.(ppt|pps|pot)$/i,
  },
  { mime: 'application/vnd.ms-outlook', streams: ['__substg1.0_'], ext: /\.msg$/i },
] as const;

const heicBrands = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);

const detectors: readonly Detector[] = [
  (head) => signatures.find(([, pattern, offset]) => matches(head, pattern, offset))?.[0],
  zipMime,
  oleMime,
  isoMediaMime,
  bmpMime,
  mpegAudioMime,
  (head) =>
    matches(head, ascii('moov'), 4) || matches(head, ascii('mdat'), 4)
      ? 'video/quicktime'
      : undefined,
  // Some generators put a few bytes before the header; readers accept it within 1 KiB.
  (head) => (indexOf(head.subarray(0, 1024), ascii('%PDF-')) >= 0 ? 'application/pdf' : undefined),
  textMime,
];

/**
 * The MIME type of a file from its first bytes (`sniffLength` of them). The client's file name
 * only refines a family the bytes already established: CSV among text, the legacy Office type
 * among OLE containers whose directory lies beyond the head.
 * @example sniffMimeType(new TextEncoder().encode('%PDF-1.7\n'), 'quote.png') // 'application/pdf'
 */
export function sniffMimeType(head: Uint8Array, fileName = ''): string {
  for (const detect of detectors) {
    const mime = detect(head, fileName);
    if (mime !== undefined) return mime;
  }
  return octetStream;
}

function zipMime(head: Uint8Array): string | undefined {
  if (!matches(head, [0x50, 0x4b, 0x03, 0x04]) && !matches(head, [0x50, 0x4b, 0x05, 0x06])) {
    return undefined;
  }
  for (const name of zipEntryNames(head)) {
    for (const [prefix, mime] of Object.entries(ooxml)) if (name.startsWith(prefix)) return mime;
  }
  return 'application/zip';
}

/** Entry names of the local headers and central-directory records found in the head, in order. */
function* zipEntryNames(head: Uint8Array): Generator<string> {
  for (let i = 0; i + 30 <= head.length; i++) {
    if (head[i] !== 0x50 || head[i + 1] !== 0x4b) continue;
    let start: number;
    let length: number;
    if (head[i + 2] === 0x03 && head[i + 3] === 0x04) {
      start = i + 30;
      length = u16le(head, i + 26);
    } else if (head[i + 2] === 0x01 && head[i + 3] === 0x02 && i + 46 <= head.length) {
      start = i + 46;
      length = u16le(head, i + 28);
    } else {
      continue;
    }
    // A name cut off by the end of the head still shows its prefix.
    yield String.fromCharCode(...head.subarray(start, Math.min(start + length, head.length)));
  }
}

function oleMime(head: Uint8Array, fileName: string): string | undefined {
  if (!matches(head, oleStorage)) return undefined;
  const byStream = oleKinds.find((kind) => kind.streams.some((name) => hasOleEntry(head, name)));
  const byName = oleKinds.find((kind) => kind.ext.test(fileName));
  return (byStream ?? byName)?.mime ?? 'application/x-ole-storage';
}

/**
 * Whether a directory entry named `name` lies in the head: entries are 128-byte records on
 * 128-byte boundaries after the 512-byte header, UTF-16LE name first, its byte length at +64.
 * Requiring both keeps document text that happens to say "Book" from counting.
 */
function hasOleEntry(head: Uint8Array, name: string): boolean {
  const pattern = utf16le(name);
  for (let at = 512; at + 128 <= head.length; at += 128) {
    if (matches(head, pattern, at) && u16le(head, at + 64) === pattern.length + 2) return true;
  }
  return false;
}

/** ISO base media files (MP4, M4A, MOV, HEIC, AVIF) open with an `ftyp` box naming brands. */
function isoMediaMime(head: Uint8Array): string | undefined {
  if (!matches(head, ascii('ftyp'), 4) || head.length < 12) return undefined;
  const brand = (at: number) => String.fromCharCode(...head.subarray(at, at + 4));
  const major = brand(8);
  const end = Math.min(head.length, Math.max(16, u32be(head, 0)));
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= end; at += 4) compatible.push(brand(at));

  if (heicBrands.has(major)) return 'image/heic';
  if (major === 'avif' || major === 'avis') return 'image/avif';
  if (major === 'mif1' || major === 'msf1') {
    if (compatible.some((b) => heicBrands.has(b))) return 'image/heic';
    return compatible.includes('avif') ? 'image/avif' : 'image/heif';
  }
  if (major === 'qt  ') return 'video/quicktime';
  if (major === 'M4A ' || major === 'M4B ') return 'audio/mp4';
  if (major.startsWith('3gp') || major.startsWith('3g2')) return 'video/3gpp';
  return 'video/mp4';
}

/** `BM` alone is too weak (a text file may start with it): check the reserved bytes and DIB size. */
function bmpMime(head: Uint8Array): string | undefined {
  if (!matches(head, ascii('BM')) || head.length < 18) return undefined;
  const reservedZero = head.subarray(6, 10).every((b) => b === 0);
  const dibSize = u32le(head, 14);
  return reservedZero && [12, 40, 52, 56, 64, 108, 124].includes(dibSize) ? 'image/bmp' : undefined;
}

/** MP3 without an ID3 tag starts with a frame header; AAC in ADTS shares the sync word. */
function mpegAudioMime(head: Uint8Array): string | undefined {
  const [b0, b1, b2] = head;
  if (b0 !== 0xff || b1 === undefined || b2 === undefined || (b1 & 0xe0) !== 0xe0) return undefined;
  if ((b1 & 0xf6) === 0xf0) return 'audio/aac';
  const version = (b1 >> 3) & 0x03;
  const layer = (b1 >> 1) & 0x03;
  const bitrate = b2 >> 4;
  const sampleRate = (b2 >> 2) & 0x03;
  const valid = version !== 1 && layer !== 0 && bitrate !== 0x0f && sampleRate !== 0x03;
  return valid ? 'audio/mpeg' : undefined;
}

/** Text only when the bytes are UTF-8 without NULs; the head may end inside a character. */
function textMime(head: Uint8Array, fileName: string): string | undefined {
  if (head.length === 0 || head.includes(0)) return undefined;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return undefined;
  }
  return /\.csv$/i.test(fileName.trim()) ? 'text/csv' : 'text/plain';
}

function matches(head: Uint8Array, pattern: Pattern, offset = 0): boolean {
  if (head.length < offset + pattern.length) return false;
  return pattern.every((byte, i) => byte === undefined || head[offset + i] === byte);
}

function indexOf(head: Uint8Array, pattern: Pattern): number {
  for (let i = 0; i + pattern.length <= head.length; i++) if (matches(head, pattern, i)) return i;
  return -1;
}

function utf16le(text: string): Pattern {
  return Array.from(text).flatMap((ch) => [ch.charCodeAt(0), 0x00]);
}

function u16le(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function u32le(bytes: Uint8Array, at: number): number {
  return (u16le(bytes, at) | (u16le(bytes, at + 2) << 16)) >>> 0;
}

function u32be(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] ?? 0) << 24) |
      ((bytes[at + 1] ?? 0) << 16) |
      ((bytes[at + 2] ?? 0) << 8) |
      (bytes[at + 3] ?? 0)) >>>
    0
  );
}
