// Encoding detection for CSV uploads: BOMs, plain UTF-8, and GBK as Chinese Excel saves it.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectEncoding } from './text-encoding';

describe('CSV encoding detection', () => {
  it('takes a BOM at its word', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]), true)).toBe('utf-8');
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x41, 0]), true)).toBe('utf-16le');
  });

  it('tells UTF-8 from GBK without a BOM', () => {
    expect(detectEncoding(Buffer.from('姓名,手机号\n张伟,138'), true)).toBe('utf-8');
    expect(detectEncoding(iconv.encode('姓名,手机号\n张伟,138', 'gbk'), true)).toBe('gb18030');
  });

  it('does not mistake a sample cut inside a UTF-8 character for GBK', () => {
    const bytes = Buffer.from('线索线索');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1), false)).toBe('utf-8');
  });
});
