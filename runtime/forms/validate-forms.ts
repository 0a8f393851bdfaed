// Publish-time checks of a definition's forms: the table and every placed field exist, a field is
// placed once, columns fit their section, min-items only on list fields, and visibility CEL
// type-checks to bool against the table.
import type { CelChecker } from '../definition/validate-definition';
import type { AppDefinition, TableDefinition } from '../definition/definition-schema';
import { issue, type DefinitionIssue } from '../definition/definition-issue';
import { listFieldTypes, type FormDefinition } from './form-schema';
import { isReadOnlyField } from './record-json-schema';

type Path = (string | number)[];

/**
 * The problems of `definition.forms`, each with a JSON pointer, a stable code and zh-CN/en text.
 * @example validateForms(definition, checkCel) // [{ pointer: '/forms/0/sections/1/items/2/field', code: 'UNKNOWN_FIELD', … }]
 */
export function validateForms(definition: AppDefinition, checkCel: CelChecker): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const tables = new Map(definition.tables.map((t) => [t.key, t]));
  const keys = new Set<string>();
  (definition.forms ?? []).forEach((form, f) => {
    const at: Path = ['forms', f];
    if (keys.has(form.key)) {
      issues.push(
        issue(
          [...at, 'key'],
          'DUPLICATE_KEY',
          `form "${form.key}" is defined twice`,
          `表单「${form.key}」重复定义`,
        ),
      );
    }
    keys.add(form.key);
    const table = tables.get(form.table);
    if (!table) {
      issues.push(
        issue(
          [...at, 'table'],
          'UNKNOWN_TABLE',
          `no table "${form.table}"`,
          `没有数据表「${form.table}」`,
        ),
      );
      return;
    }
    checkForm(form, table, at, checkCel, issues);
  });
  return issues;
}

function checkForm(
  form: FormDefinition,
  table: TableDefinition,
  at: Path,
  checkCel: CelChecker,
  issues: DefinitionIssue[],
): void {
  const placed = new Set<string>();
  const sectionKeys = new Set<string>();
  form.sections.forEach((section, s) => {
    const sectionAt: Path = [...at, 'sections', s];
    if (sectionKeys.has(section.key)) {
      issues.push(
        issue(
          [...sectionAt, 'key'],
          'DUPLICATE_KEY',
          `section "${section.key}" appears twice`,
          `分区「${section.key}」重复`,
        ),
      );
    }
    sectionKeys.add(section.key);
    if (section.visibleIf !== undefined) {
      cel(checkCel, table, section.visibleIf, [...sectionAt, 'visibleIf'], issues);
    }
    const columns = section.columns ?? 1;
    section.items.forEach((item, i) => {
      const itemAt: Path = [...sectionAt, 'items', i];
      const field = table.fields.find((candidate) => candidate.key === item.field);
      if (!field) {
        issues.push(
          issue(
            [...itemAt, 'field'],
            'UNKNOWN_FIELD',
            `no field "${item.field}" in table "${table.key}"`,
            `表「${table.key}」中没有字段「${item.field}」`,
          ),
        );
        return;
      }
      if (placed.has(item.field)) {
        issues.push(
          issue(
            [...itemAt, 'field'],
            'DUPLICATE_FIELD',
            `field "${item.field}" is placed twice on the form`,
            `字段「${item.field}」在表单中出现了两次`,
          ),
        );
      }
      placed.add(item.field);
      if ((item.column ?? 0) >= columns) {
        issues.push(
          issue(
            [...itemAt, 'column'],
            'COLUMN_OUT_OF_RANGE',
            `column ${item.column ?? 0} is outside the section's ${columns} column(s)`,
            `第 ${(item.column ?? 0) + 1} 列超出了分区的 ${columns} 列`,
          ),
        );
      }
      if (item.minItems !== undefined && !listFieldTypes.includes(field.type)) {
        issues.push(
          issue(
            [...itemAt, 'minItems'],
            'NOT_A_LIST_FIELD',
            `minItems applies to multi-select, attachment and tag fields, not ${field.type}`,
            `最少项数只适用于多选、附件和标签字段，不适用于 ${field.type}`,
          ),
        );
      }
      if (item.required && isReadOnlyField(field)) {
        issues.push(
          issue(
            [...itemAt, 'required'],
            'READ_ONLY_FIELD',
            `field "${field.key}" is computed and cannot be required`,
            `字段「${field.key}」由系统计算，不能设为必填`,
          ),
        );
      }
      if (item.visibleIf !== undefined) {
        cel(checkCel, table, item.visibleIf, [...itemAt, 'visibleIf'], issues);
      }
    });
  });
}

function cel(
  checkCel: CelChecker,
  table: TableDefinition,
  source: string,
  at: Path,
  issues: DefinitionIssue[],
): void {
  for (const problem of checkCel(source, { table, expect: 'bool' })) {
    issues.push(
      issue(
        at,
        problem.code,
        `${problem.message} (line ${problem.line}, column ${problem.column})`,
        `条件表达式有误：${problem.message}（第 ${problem.line} 行第 ${problem.column} 列）`,
      ),
    );
  }
}
