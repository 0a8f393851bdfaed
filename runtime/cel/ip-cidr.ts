// IPv4/IPv6 addresses and CIDR ranges for in_cidr(): parsed into bytes, compared bit by bit.

/** A parsed CIDR range: the network address (4 or 16 bytes) and the prefix length in bits. */
export interface Cidr {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

const ipv4Pattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const hexGroup = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): Uint8Array | null {
  const m = ipv4Pattern.exec(text);
  if (!m) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = m[i + 1] as string;
    // Leading zeros are refused: some parsers read them as octal.
    if (part.length > 1 && part.startsWith('0')) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes[i] = n;
  }
  return bytes;
}

function groupsOf(text: string, allowTrailingIpv4: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (allowTrailingIpv4 && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return null;
      groups.push(
        ((v4[0] as number) << 8) | (v4[1] as number),
        ((v4[2] as number) << 8) | (v4[3] as number),
      );
    } else {
      if (!hexGroup.test(part)) return null;
      groups.push(parseInt(part, 16));
    }
  }
  return groups;
}

function parseIpv6(text: string): Uint8Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  let groups: number[];
  if (halves.length === 2) {
    const head = groupsOf(halves[0] as string, false);
    const tail = groupsOf(halves[1] as string, true);
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = groupsOf(text, true);
    if (!all || all.length !== 8) return null;
    groups = all;
  }
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/**
 * Parses an IPv4 or IPv6 address (surrounding space allowed) into 4 or 16 bytes; null when invalid.
 * @example parseIp('::ffff:10.0.0.1')?.length // 16
 */
export function parseIp(text: string): Uint8Array | null {
  const t = text.trim();
  return t.includes(':') ? parseIpv6(t) : parseIpv4(t);
}

/**
 * Parses `address/prefix`; a bare address is a single-host range. Null when invalid.
 * @example parseCidr('10.0.0.0/8') // { bytes: [10, 0, 0, 0], prefix: 8 }
 */
export function parseCidr(text: string): Cidr | null {
  const [address, prefixText, extra] = text.trim().split('/');
  if (address === undefined || extra !== undefined) return null;
  const bytes = parseIp(address);
  if (!bytes) return null;
  if (prefixText === undefined) return { bytes, prefix: bytes.length * 8 };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= bytes.length * 8 ? { bytes, prefix } : null;
}

const v4MappedPrefix = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function isV4Mapped(bytes: Uint8Array): boolean {
  return bytes.length === 16 && v4MappedPrefix.every((b, i) => bytes[i] === b);
}

// IPv4 addresses and IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are the same host.
function sameFamily(ip: Uint8Array, width: number): Uint8Array | null {
  if (ip.length === width) return ip;
  if (width === 4) return isV4Mapped(ip) ? ip.subarray(12) : null;
  const mapped = new Uint8Array(16);
  mapped.set(v4MappedPrefix);
  mapped.set(ip, 12);
  return mapped;
}

/** Whether a parsed address lies in a parsed range. */
export function ipInRange(ip: Uint8Array, cidr: Cidr): boolean {
  const address = sameFamily(ip, cidr.bytes.length);
  if (!address) return false;
  const whole = cidr.prefix >> 3;
  for (let i = 0; i < whole; i++) if (address[i] !== cidr.bytes[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((address[whole] as number) & mask) === ((cidr.bytes[whole] as number) & mask);
}

/** Thrown for a malformed CIDR range: the expression, not the data, is wrong. */
export class InvalidCidrError extends Error {
  readonly code = 'INVALID_CIDR';
  constructor(readonly cidr: string) {
    super(`'${cidr}' is not a valid CIDR range (e.g. 10.0.0.0/8 or 2001:db8::/32)`);
    this.name = 'InvalidCidrError';
  }
}

// Ranges are usually literals evaluated thousands of times: parse each once.
const cidrCache = new Map<string, Cidr>();

function cidrOrThrow(text: string): Cidr {
  const cached = cidrCache.get(text);
  if (cached) return cached;
  const parsed = parseCidr(text);
  if (!parsed) throw new InvalidCidrError(text);
  if (cidrCache.size >= 1024) cidrCache.clear();
  cidrCache.set(text, parsed);
  return parsed;
}

/**
 * Whether the address lies in the range. An address that does not parse (bad data) is in no range;
 * a range that does not parse throws InvalidCidrError.
 * @example inCidr('10.1.2.3', '10.0.0.0/8') // true
 */
export function inCidr(ip: string, cidr: string): boolean {
  const range = cidrOrThrow(cidr);
  const address = parseIp(ip);
  return address !== null && ipInRange(address, range);
}
