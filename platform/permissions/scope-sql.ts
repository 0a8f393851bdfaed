// Row scopes as SQL conditions: every identifier quoted, every user value a typed parameter.
import { sql, type RawBuilder } from 'kysely';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { storageOf } from '../../runtime/definition/field-storage';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import {
  rowPredicateOf,
  type RowOperand,
  type RowPredicate,
} from '../../runtime/permissions/cel-row-predicate';
import type { ScopedAction } from '../../runtime/permissions/role-schema';
import { sqlTypeName } from '../definitions/column-sql';
import type { TableContext } from '../records/table-context';
import type { UserFacts } from './space-access';
import type { ScopeGrant, TableAccess } from './table-access';

/** What a row scope needs to know of its table. */
export type ScopeTable = Pick<TableContext, 'space' | 'version' | 'table' | 'fields'>;

const predicates = new Map<string, RowPredicate | null>();

/**
 * The condition limiting `action` to the rows the actor reaches: undefined when every row is
 * reachable, `false` when none is. Several grants are OR-ed.
 * @example const where = scopeCondition(context, access.table('lead'), 'read')
 */
export function scopeCondition(
  context: ScopeTable,
  access: TableAccess,
  action: ScopedAction,
): RawBuilder<unknown> | undefined {
  if (access.bypass) return undefined;
  const grants = access.scopes(action);
  if (grants.some((g) => g.scope === 'all')) return undefined;
  if (grants.length === 0 || !access.user) return sql`false`;
  const user = access.user;
  const parts = grants.map((g) => grantCondition(context, g, user));
  return parts.length === 1 ? parts[0] : sql`(${sql.join(parts, sql` or `)})`;
}

function grantCondition(
  context: ScopeTable,
  grant: ScopeGrant,
  user: UserFacts,
): RawBuilder<unknown> {
  const scope = grant.scope;
  if (scope === 'own') return sql`owner = ${user.id}::uuid`;
  if (scope === 'team') return sql`owner = any(${toPgArray(user.team)}::uuid[])`;
  if (scope === 'region') {
    const regions = toPgArray(user.regions);
    const field = context.fields.get(grant.regionField);
    if (field && storageOf(field) === 'text') {
      return sql`${sql.raw(q(field.key))} = any(${regions}::text[])`;
    }
    return sql`owner in (select id from platform.users where province = any(${regions}::text[]))`;
  }
  if (scope === 'all') return sql`true`;
  const cacheKey = `${context.space.id}:${context.version}:${context.table.key}:${scope.cel}`;
  let predicate = predicates.get(cacheKey);
  if (predicate === undefined) {
    const compiled = rowPredicateOf(scope.cel, context.table.fields);
    predicate = compiled.ok ? compiled.value : null;
    if (predicates.size > 1000) predicates.clear();
    predicates.set(cacheKey, predicate);
  }
  // Publish refuses such a scope; a definition stored before that check reaches nothing.
  if (predicate === null) return sql`false`;
  return predicateSql(context, predicate, user);
}

function predicateSql(context: ScopeTable, p: RowPredicate, user: UserFacts): RawBuilder<unknown> {
  switch (p.kind) {
    case 'and':
    case 'or':
      return sql`(${sql.join(
        p.items.map((i) => predicateSql(context, i, user)),
        sql.raw(` ${p.kind} `),
      )})`;
    case 'not':
      return sql`not coalesce(${predicateSql(context, p.item, user)}, false)`;
    case 'truth':
      return sql`coalesce(${operandSql(context, p.operand, user, 'boolean')}, false)`;
    case 'in': {
      const elementType = typeOf(context, p.element) ?? listElementType(context, p.list) ?? 'text';
      if (p.list.kind === 'field') {
        return sql`${operandSql(context, p.element, user, elementType)} = any(${fieldRef(p.list.key)})`;
      }
      return sql`${operandSql(context, p.element, user, elementType)} = any(${listSql(context, p.list, user, elementType)})`;
    }
    case 'compare': {
      const type = typeOf(context, p.left) ?? typeOf(context, p.right) ?? 'text';
      const left = operandSql(context, p.left, user, type);
      const right = operandSql(context, p.right, user, type);
      if (isNull(p.right) || isNull(p.left)) {
        const other = isNull(p.right) ? left : right;
        if (p.op === '=') return sql`${other} is null`;
        if (p.op === '<>') return sql`${other} is not null`;
      }
      return sql`${left} ${sql.raw(p.op)} ${right}`;
    }
  }
}

function isNull(o: RowOperand): boolean {
  return o.kind === 'value' && o.value === null;
}

function fieldRef(key: string): RawBuilder<unknown> {
  return sql.raw(q(key));
}

const systemTypes: Readonly<Record<string, string>> = { owner: 'uuid', stage: 'text' };

function fieldOf(context: ScopeTable, key: string): FieldDefinition | undefined {
  return context.fields.get(key);
}

/** The SQL scalar type of an operand when it names a column. */
function typeOf(context: ScopeTable, o: RowOperand): string | undefined {
  if (o.kind !== 'field') return undefined;
  const system = systemTypes[o.key];
  if (system && !context.fields.has(o.key)) return system;
  const field = fieldOf(context, o.key);
  if (!field) return undefined;
  const type = sqlTypeName(storageOf(field));
  return type.endsWith('[]') ? undefined : type;
}

function listElementType(context: ScopeTable, o: RowOperand): string | undefined {
  if (o.kind !== 'field') return undefined;
  const field = fieldOf(context, o.key);
  if (!field) return undefined;
  const type = sqlTypeName(storageOf(field));
  return type.endsWith('[]') ? type.slice(0, -2) : undefined;
}

function operandSql(
  context: ScopeTable,
  o: RowOperand,
  user: UserFacts,
  type: string,
): RawBuilder<unknown> {
  switch (o.kind) {
    case 'field':
      return fieldRef(o.key);
    case 'value':
      return o.value === null ? sql`null` : sql`${scalar(o.value)}::${sql.raw(type)}`;
    case 'user': {
      const v = user[o.key];
      if (!fitsType(v, type)) return sql`null`;
      return sql`${scalar(v as string | number | boolean)}::${sql.raw(type)}`;
    }
    case 'list':
      return listSql(context, o, user, type);
  }
}

function listSql(
  context: ScopeTable,
  o: RowOperand,
  user: UserFacts,
  elementType: string,
): RawBuilder<unknown> {
  if (o.kind === 'field') return fieldRef(o.key);
  let items: unknown[] = [];
  if (o.kind === 'user') {
    const v = user[o.key];
    items = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  } else if (o.kind === 'list') {
    items = o.items.map((i) =>
      i.kind === 'value' ? i.value : i.kind === 'user' ? user[i.key] : null,
    );
  }
  void context;
  return sql`${toPgArray(items.filter((i) => i !== null && i !== undefined && typeof i !== 'object'))}::${sql.raw(elementType)}[]`;
}

const numeric = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a user attribute can be cast to the column type it is compared with. An attribute that
 * cannot (free text against a number, a name against an id) compares as NULL — matching nothing —
 * instead of failing the query.
 */
function fitsType(v: unknown, type: string): boolean {
  if (v === null || v === undefined || typeof v === 'object') return false;
  const text = String(v);
  if (type === 'uuid') return uuid.test(text);
  if (['bigint', 'double precision'].includes(type) || type.startsWith('numeric')) {
    return numeric.test(text);
  }
  if (type === 'boolean') return typeof v === 'boolean';
  if (type === 'date' || type === 'timestamptz') return !Number.isNaN(Date.parse(text));
  return true;
}

function scalar(v: string | number | boolean): string {
  return String(v);
}

/** A JS list as a PostgreSQL array literal, sent as one text parameter. */
function toPgArray(items: readonly unknown[]): string {
  return `{${items.map((i) => `"${String(i).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}
