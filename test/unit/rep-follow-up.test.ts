// The rep's follow-up card laid out from the installed medical-device pack: what stops the golden-4-
// hours escalation first, then the pack's follow-up form with its required and least counts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldsFlowsWaitFor, followUpSections } from '../../designer/src/rep/follow-up-layout';
import { instantiateTemplate } from '../../runtime/templates/instantiate-template';
import { parseTemplate } from '../../runtime/templates/parse-template';

const file = path.resolve(import.meta.dirname, '../../templates/medical-device/template.json');

function packDefinition() {
  const parsed = parseTemplate(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const definition = instantiateTemplate(parsed.value, {});
  if (!definition.ok) throw new Error(JSON.stringify(definition.issues));
  return definition.value;
}

describe('follow-up card layout', () => {
  const definition = packDefinition();
  const lead = definition.tables.find((t) => t.key === 'lead')!;

  it('finds the fields the escalation and the second-touch wait are waiting for', () => {
    expect(fieldsFlowsWaitFor(definition, lead)).toEqual([
      'first_contact_at',
      'screening_done',
      'touch_count',
    ]);
  });

  it('puts them first, then the sections of the follow-up form', () => {
    const sections = followUpSections(definition, lead);
    expect(sections.map((s) => s.key)).toEqual(['first_response', 'touch', 'next']);
    expect(sections[0]!.items.map((i) => i.field.key)).toEqual([
      'first_contact_at',
      'screening_done',
      'touch_count',
    ]);
    const next = sections[2]!.items;
    expect(next.find((i) => i.field.key === 'next_action')?.required).toBe(true);
    expect(next.find((i) => i.field.key === 'next_action_due')?.visibleIf).toBe(
      'record.next_action != null',
    );
  });

  it('asks for the larger of the form’s and the field’s least count', () => {
    const roles = followUpSections(definition, lead)
      .flatMap((s) => s.items)
      .find((i) => i.field.key === 'decision_roles');
    expect(roles?.minItems).toBe(2);
  });

  it('falls back to the follow-up fields of the table without a form', () => {
    const sections = followUpSections({ ...definition, forms: [] }, lead);
    expect(sections.map((s) => s.key)).toEqual(['first_response', 'follow_up']);
    expect(sections[1]!.items.map((i) => i.field.key)).toContain('next_action');
  });
});
