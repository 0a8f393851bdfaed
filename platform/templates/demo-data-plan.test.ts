import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { instantiateTemplate } from '../../runtime/templates/instantiate-template';
import { parseTemplate } from '../../runtime/templates/parse-template';
import { planDemoLeads } from './demo-data-plan';

const file = path.resolve(import.meta.dirname, '../../templates/medical-device/template.json');
const parsed = parseTemplate(JSON.parse(readFileSync(file, 'utf8')));
if (!parsed.ok) throw new Error('the medical-device pack does not parse');
const template = parsed.value;
const instantiated = instantiateTemplate(template);
if (!instantiated.ok) throw new Error('the medical-device pack does not instantiate');
const definition = instantiated.value;
const now = new Date('2026-11-02T02:00:00Z');

describe('planDemoLeads', () => {
  const plan = planDemoLeads(definition, 'lead', template.demoUsers ?? [], { seed: 1, now });
  const stages = definition.tables[0]!.stages!.map((s) => s.key);

  it('puts leads in every stage, twice as many in the first, half of those never called', () => {
    for (const stage of stages.slice(1))
      expect(plan.filter((l) => l.stage === stage)).toHaveLength(4);
    const first = plan.filter((l) => l.stage === stages[0]);
    expect(first).toHaveLength(8);
    expect(first.filter((l) => !l.contacted)).toHaveLength(4);
    expect(plan.filter((l) => l.stage !== stages[0]).every((l) => l.contacted)).toBe(true);
  });

  it("attaches what the stage's gates require, with files of the type they ask for", () => {
    const last = plan.find((l) => l.stage === stages.at(-1))!;
    const gate = definition.rules!.gates!.find((g) => g.to === stages.at(-1))!;
    for (const requirement of gate.require) {
      if (requirement.kind === 'attachment')
        expect(last.attachments[requirement.field], requirement.field).toHaveLength(1);
      if (requirement.kind === 'fields')
        for (const field of requirement.fields) expect(last.values[field], field).toBeTruthy();
    }
    expect(last.attachments.hospital_seal_photo![0]!.kind).toBe('png');
    expect(last.attachments.contract_scan![0]!.kind).toBe('pdf');
    expect(plan.find((l) => !l.contacted)!.attachments).toEqual({});
  });

  it('uses only options the table offers and the demo reps’ regions', () => {
    const lead = definition.tables[0]!;
    const provinces = new Set((template.demoUsers ?? []).map((u) => u.province));
    for (const { values } of plan) {
      expect(provinces.has(values.province as string)).toBe(true);
      expect(['ortho', 'neuro', 'rehab']).toContain(values.product_line);
      expect(Object.keys(values).every((k) => lead.fields.some((f) => f.key === k))).toBe(true);
    }
  });

  it('places each lead in the city of its hospital', () => {
    const at = (name: string) => plan.find((l) => l.values.organization === name)?.values.city;
    for (const { values } of plan) {
      const name = values.organization as string;
      if (name.includes('宁波')) expect(at(name)).toBe('宁波');
      if (name.startsWith('浙江大学')) expect(at(name)).toBe('杭州');
      if (name.startsWith('复旦')) expect(at(name)).toBe('上海');
    }
  });

  it('is the same for the same seed and clock, different for another seed', () => {
    const users = template.demoUsers ?? [];
    expect(planDemoLeads(definition, 'lead', users, { seed: 1, now })).toEqual(plan);
    expect(planDemoLeads(definition, 'lead', users, { seed: 2, now })).not.toEqual(plan);
    expect(new Set(plan.map((l) => l.phone)).size).toBe(plan.length);
  });
});
