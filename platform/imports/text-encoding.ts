// Tells how a CSV's bytes are encoded: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.
import iconv from 'iconv-lite';
import type { Transform } from 'node:stream';

/** Encodings a CSV is read in; GB18030 is a superset of GBK, the default of Chinese Excel. */
export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Detects the encoding from the first bytes of a file. A BOM decides; otherwise bytes that are
 * valid UTF-8 are UTF-8 and anything else is taken as GB18030 (which decodes GBK and GB2312).
 * @example detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41])) // 'utf-8'
 */
export function detectEncoding(sample: Uint8Array, complete: boolean): CsvEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  // A sample cut mid-character ends in an incomplete sequence: drop up to 3 trailing bytes.
  const end = complete ? sample.length : completeUtf8Prefix(sample);
  try {
    strictUtf8.decode(sample.subarray(0, end));
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/**
 * A transform from bytes to text; a leading BOM is dropped. iconv-lite does the decoding, so
 * GB18030 works whatever ICU data this Node build carries.
 */
export function decoderStream(encoding: CsvEncoding): Transform {
  return iconv.decodeStream(encoding, { stripBOM: true }) as unknown as Transform;
}

function completeUtf8Prefix(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}
