// Rules for user-chosen names (spaces, tables, fields) that become PostgreSQL identifiers.

/** Lower-case ASCII, starts with a letter, at most 63 bytes: PostgreSQL's identifier limit. */
export const identifierPattern = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * PostgreSQL's reserved key words (and those reserved in some contexts), plus names Baton keeps for
 * its own system columns. Refused even though Baton always quotes, so SQL written by people stays
 * readable and no field shadows a system column.
 */
export const reservedIdentifiers: ReadonlySet<string> = new Set([
  'all',
  'analyse',
  'analyze',
  'and',
  'any',
  'array',
  'as',
  'asc',
  'asymmetric',
  'authorization',
  'binary',
  'both',
  'case',
  'cast',
  'check',
  'collate',
  'collation',
  'column',
  'concurrently',
  'constraint',
  'create',
  'cross',
  'current_catalog',
  'current_date',
  'current_role',
  'current_schema',
  'current_time',
  'current_timestamp',
  'current_user',
  'default',
  'deferrable',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'except',
  'false',
  'fetch',
  'for',
  'foreign',
  'freeze',
  'from',
  'full',
  'grant',
  'group',
  'having',
  'ilike',
  'in',
  'initially',
  'inner',
  'intersect',
  'into',
  'is',
  'isnull',
  'join',
  'lateral',
  'leading',
  'left',
  'like',
  'limit',
  'localtime',
  'localtimestamp',
  'natural',
  'not',
  'notnull',
  'null',
  'offset',
  'on',
  'only',
  'or',
  'order',
  'outer',
  'overlaps',
  'placing',
  'primary',
  'references',
  'returning',
  'right',
  'select',
  'session_user',
  'similar',
  'some',
  'symmetric',
  'system_user',
  'table',
  'tablesample',
  'then',
  'to',
  'trailing',
  'true',
  'union',
  'unique',
  'user',
  'using',
  'variadic',
  'verbose',
  'when',
  'where',
  'window',
  'with',
  // Names every JavaScript object inherits: a field called so would read `Object` from a plain
  // object used as a map of values.
  'constructor',
  'prototype',
  // Baton system columns and schemas.
  'id',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'owner',
  'stage',
  'version',
  'deleted_at',
  'platform',
  'public',
  'pg_catalog',
  'information_schema',
]);

export type IdentifierProblem = 'empty' | 'pattern' | 'reserved';

/**
 * Checks a user-chosen identifier; returns the problem, or undefined when it is acceptable.
 * @example checkIdentifier('lead') // undefined
 * @example checkIdentifier('select') // 'reserved'
 */
export function checkIdentifier(name: string): IdentifierProblem | undefined {
  if (name.length === 0) return 'empty';
  if (!identifierPattern.test(name)) return 'pattern';
  if (reservedIdentifiers.has(name)) return 'reserved';
  return undefined;
}

/** Double-quotes an identifier that already passed `checkIdentifier`, escaping defensively. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
