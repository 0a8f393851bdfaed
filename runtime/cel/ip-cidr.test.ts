import { describe, expect, it } from 'vitest';
import { InvalidCidrError, inCidr, parseCidr, parseIp } from './ip-cidr';

describe('parseIp', () => {
  it('parses IPv4 and refuses out-of-range or zero-padded octets', () => {
    expect(Array.from(parseIp(' 192.168.0.1 ') ?? [])).toEqual([192, 168, 0, 1]);
    expect(parseIp('256.0.0.1')).toBeNull();
    expect(parseIp('010.0.0.1')).toBeNull();
    expect(parseIp('1.2.3')).toBeNull();
  });

  it('parses IPv6 with compression and an embedded IPv4 tail', () => {
    expect(Array.from(parseIp('::1') ?? [])).toEqual([...new Array<number>(15).fill(0), 1]);
    expect(parseIp('2001:db8::8a2e:370:7334')?.length).toBe(16);
    expect(Array.from(parseIp('::ffff:1.2.3.4') ?? []).slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIp('1::2::3')).toBeNull();
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseIp('fe80::1%eth0')).toBeNull();
  });
});

describe('parseCidr', () => {
  it('accepts a bare address as a single host and refuses oversized prefixes', () => {
    expect(parseCidr('10.0.0.1')?.prefix).toBe(32);
    expect(parseCidr('2001:db8::/129')).toBeNull();
    expect(parseCidr('10.0.0.0/8/8')).toBeNull();
  });
});

describe('inCidr', () => {
  it('compares prefixes that end inside a byte', () => {
    expect(inCidr('172.31.255.255', '172.16.0.0/12')).toBe(true);
    expect(inCidr('172.32.0.0', '172.16.0.0/12')).toBe(false);
    expect(inCidr('2001:db8:ffff::1', '2001:db8:8000::/33')).toBe(true);
    expect(inCidr('2001:db8:7fff::1', '2001:db8:8000::/33')).toBe(false);
  });

  it('treats IPv4 and IPv4-mapped IPv6 as the same host', () => {
    expect(inCidr('::ffff:10.0.0.1', '10.0.0.0/8')).toBe(true);
    expect(inCidr('10.0.0.1', '::ffff:10.0.0.0/104')).toBe(true);
    expect(inCidr('2001:db8::1', '10.0.0.0/8')).toBe(false);
  });

  it('matches everything with a zero prefix of the same family', () => {
    expect(inCidr('8.8.8.8', '0.0.0.0/0')).toBe(true);
    expect(inCidr('2001:db8::1', '::/0')).toBe(true);
  });

  it('puts a malformed address nowhere and throws for a malformed range', () => {
    expect(inCidr('localhost', '0.0.0.0/0')).toBe(false);
    expect(() => inCidr('1.2.3.4', '1.2.3/24')).toThrow(InvalidCidrError);
  });
});
