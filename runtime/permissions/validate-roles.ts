// Publish-time checks of a definition's roles: every table, field and stage they name exists, write
// lists stay inside read lists, and every CEL row scope type-checks and compiles to SQL.
import type { AppDefinition, TableDefinition } from '../definition/definition-schema';
import { issue, type DefinitionIssue } from '../definition/definition-issue';
import { rowPredicateOf } from './cel-row-predicate';
import type { FieldAccess, RowScope, TablePermission } from './role-schema';

type Path = (string | number)[];

/**
 * The problems of `definition.roles`, each with a JSON pointer, a stable code and zh-CN/en text.
 * @example validateRoles(definition) // [{ pointer: '/roles/0/tables/lead/fields/read/2', code: 'UNKNOWN_FIELD', … }]
 */
export function validateRoles(definition: AppDefinition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const tables = new Map(definition.tables.map((t) => [t.key, t]));
  const seen = new Set<string>();
  (definition.roles ?? []).forEach((role, r) => {
    if (seen.has(role.key)) {
      issues.push(
        issue(
          ['roles', r, 'key'],
          'DUPLICATE_KEY',
          `role "${role.key}" is defined twice`,
          `角色「${role.key}」重复定义`,
        ),
      );
    }
    seen.add(role.key);
    for (const [tableKey, permission] of Object.entries(role.tables)) {
      const at: Path = ['roles', r, 'tables', tableKey];
      const table = tables.get(tableKey);
      if (!table) {
        issues.push(
          issue(at, 'UNKNOWN_TABLE', `no table "${tableKey}"`, `没有数据表「${tableKey}」`),
        );
        continue;
      }
      checkTable(table, permission, at, issues);
    }
  });
  return issues;
}

function checkTable(
  table: TableDefinition,
  permission: TablePermission,
  at: Path,
  issues: DefinitionIssue[],
): void {
  for (const action of ['read', 'update', 'delete'] as const) {
    const scope = permission[action];
    if (scope !== undefined) checkScope(table, permission, scope, [...at, action], issues);
  }
  if (permission.regionField !== undefined && !hasField(table, permission.regionField)) {
    issues.push(unknownField(table, permission.regionField, [...at, 'regionField']));
  }
  if (permission.fields) checkFields(table, permission.fields, [...at, 'fields'], issues);
  const stages = new Set((table.stages ?? []).map((s) => s.key));
  for (const [stage, access] of Object.entries(permission.stages ?? {})) {
    if (!stages.has(stage)) {
      issues.push(
        issue(
          [...at, 'stages', stage],
          'UNKNOWN_STAGE',
          `table "${table.key}" has no stage "${stage}"`,
          `表「${table.key}」没有阶段「${stage}」`,
        ),
      );
    }
    checkFields(table, access, [...at, 'stages', stage], issues);
  }
}

function checkScope(
  table: TableDefinition,
  permission: TablePermission,
  scope: RowScope,
  at: Path,
  issues: DefinitionIssue[],
): void {
  if (typeof scope === 'object') {
    const compiled = rowPredicateOf(scope.cel, table.fields);
    if (!compiled.ok) {
      issues.push(
        issue(
          [...at, 'cel'],
          'ROW_SCOPE_NOT_SQL',
          `this row scope cannot be enforced in the database: ${compiled.message}`,
          `该行范围无法在数据库中执行：${compiled.message}`,
        ),
      );
    }
  }
}

function checkFields(
  table: TableDefinition,
  access: FieldAccess,
  at: Path,
  issues: DefinitionIssue[],
): void {
  const read = access.read;
  if (Array.isArray(read)) {
    read.forEach((key, i) => {
      if (!hasField(table, key)) issues.push(unknownField(table, key, [...at, 'read', i]));
    });
  }
  if (Array.isArray(access.write)) {
    access.write.forEach((key, i) => {
      if (!hasField(table, key)) issues.push(unknownField(table, key, [...at, 'write', i]));
      else if (Array.isArray(read) && !read.includes(key) && !isSystemWritable(key)) {
        issues.push(
          issue(
            [...at, 'write', i],
            'WRITE_NOT_READABLE',
            `field "${key}" is writable but not readable; add it to "read" as well`,
            `字段「${key}」可写但不可读，请同时加入 read 列表`,
          ),
        );
      }
    });
  }
}

function isSystemWritable(key: string): boolean {
  return key === 'owner' || key === 'stage';
}

function hasField(table: TableDefinition, key: string): boolean {
  return isSystemWritable(key) || table.fields.some((f) => f.key === key);
}

function unknownField(table: TableDefinition, key: string, at: Path): DefinitionIssue {
  return issue(
    at,
    'UNKNOWN_FIELD',
    `no field "${key}" in table "${table.key}"`,
    `表「${table.key}」中没有字段「${key}」`,
  );
}
