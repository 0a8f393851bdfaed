// What the follow-up card shows: first the fields the table's running flows wait for (first
// contact, screening: what stops the escalation), then the sections of the definition's follow-up
// form with its required / min-items / visibleIf; without such a form, the pack's follow-up fields.
import type { AppDefinition, TableDefinition } from '../../../runtime/definition/definition-schema';
import type { FieldDefinition } from '../../../runtime/definition/field-schema';
import type { FormDefinition } from '../../../runtime/forms/form-schema';
import type { LocalizedText } from '../../../runtime/localized-text';

export interface CardItem {
  readonly field: FieldDefinition;
  readonly required: boolean;
  readonly minItems?: number;
  readonly visibleIf?: string;
  readonly help?: LocalizedText;
}

export interface CardSection {
  readonly key: string;
  readonly label: LocalizedText;
  readonly visibleIf?: string;
  readonly items: readonly CardItem[];
}

const firstResponse: LocalizedText = { 'zh-CN': '首次响应', en: 'First response' };
const followUp: LocalizedText = { 'zh-CN': '跟进', en: 'Follow-up' };

/** Used when the definition has no follow-up form. */
export const defaultFollowUpFields = [
  'first_contact_at',
  'screening_done',
  'touch_count',
  'first_touch_summary',
  'pain_point',
  'decision_roles',
  'next_action',
  'next_action_due',
  'memo',
];

/** Fields named as `record.<key>` in the table's escalation and wait-until conditions, in order. */
export function fieldsFlowsWaitFor(definition: AppDefinition, table: TableDefinition): string[] {
  const keys: string[] = [];
  for (const flow of definition.flows ?? []) {
    if (flow.table !== table.key) continue;
    for (const node of flow.nodes) {
      const source =
        node.type === 'escalation' ? node.until : node.type === 'wait_until' ? node.condition : '';
      for (const match of (source ?? '').matchAll(/\brecord\.([a-z][a-z0-9_]*)/g)) {
        const key = match[1]!;
        if (!keys.includes(key) && table.fields.some((f) => f.key === key)) keys.push(key);
      }
    }
  }
  return keys;
}

/** The definition's follow-up form of the table: key `follow_up`, else a key containing "follow". */
export function followUpForm(
  definition: AppDefinition,
  table: TableDefinition,
): FormDefinition | undefined {
  const forms = (definition.forms ?? []) as unknown as FormDefinition[];
  const own = forms.filter((f) => f.table === table.key && Array.isArray(f.sections));
  return own.find((f) => f.key === 'follow_up') ?? own.find((f) => f.key.includes('follow'));
}

/**
 * The card's sections.
 * @example followUpSections(definition, lead)[0].items.map((i) => i.field.key) // ['first_contact_at', 'screening_done', 'touch_count']
 */
export function followUpSections(definition: AppDefinition, table: TableDefinition): CardSection[] {
  const field = (key: string) => table.fields.find((f) => f.key === key);
  const form = followUpForm(definition, table);
  const placed = new Set(form?.sections.flatMap((s) => s.items.map((i) => i.field)) ?? []);
  const watched = fieldsFlowsWaitFor(definition, table).filter((k) => !placed.has(k));
  const sections: CardSection[] = [];
  if (watched.length > 0)
    sections.push({
      key: 'first_response',
      label: firstResponse,
      items: watched.flatMap((k) => {
        const f = field(k);
        return f ? [{ field: f, required: false }] : [];
      }),
    });
  if (form) {
    for (const section of form.sections)
      sections.push({
        key: section.key,
        label: section.label,
        visibleIf: section.visibleIf,
        items: section.items.flatMap((item) => {
          const f = field(item.field);
          if (!f || item.readOnly) return [];
          return [
            {
              field: f,
              required: item.required === true || f.required === true,
              // The field's own least count holds on every write; the form may only ask more.
              minItems: Math.max(
                item.minItems ?? 0,
                f.type === 'multi_select' || f.type === 'attachments' ? (f.minItems ?? 0) : 0,
              ),
              visibleIf: item.visibleIf,
              help: item.help,
            },
          ];
        }),
      });
  } else {
    const rest = defaultFollowUpFields.filter((k) => !watched.includes(k));
    const items = rest.flatMap((k) => {
      const f = field(k);
      return f ? [{ field: f, required: false }] : [];
    });
    if (items.length > 0) sections.push({ key: 'follow_up', label: followUp, items });
  }
  return sections.filter((s) => s.items.length > 0);
}
