// The field paths of a sample payload, and which of them a CEL mapping reads.

/**
 * Leaf paths of a JSON object, dotted (`contact.mobile`); arrays count as leaves.
 * @example payloadPaths({ name: 'A', contact: { mobile: '138' } }) // ['name', 'contact.mobile']
 */
export function payloadPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return prefix ? [prefix] : [];
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? payloadPaths(v, prefix ? `${prefix}.${key}` : key) : [],
  );
}

/**
 * Payload paths a CEL expression reads, longest match first (`payload.contact.mobile`).
 * @example readPaths('trim(payload.contact.mobile)', ['contact.mobile']) // ['contact.mobile']
 */
export function readPaths(cel: string, paths: readonly string[]): string[] {
  return paths.filter((p) =>
    new RegExp(`payload\\.${p.replaceAll('.', '\\.')}(?![A-Za-z0-9_])`).test(cel),
  );
}
