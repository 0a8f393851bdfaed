import { describe, expect, it } from 'vitest';
import { compileRulesOrThrow } from './compile-rules';
import { checkGate, mimeMatches } from './gate';
import {
  medicalDeviceDefinition,
  medicalDeviceRules,
  medicalDeviceRulesCompiled,
} from './test-rules';

const gates = medicalDeviceRulesCompiled().forTable('lead').gates;
const now = '2025-03-01T09:00:00+08:00';
const fileMimes = { f1: 'application/pdf', f2: 'image/jpeg', f3: 'image/png' };

describe('checkGate', () => {
  it('lists every missing item of the ethics filing, not just the first', () => {
    const result = checkGate(
      gates,
      'lead',
      'contacted',
      'ethics_filed',
      { ethics_filing: ['f2'] },
      {
        now,
        fileMimes,
        completed: { follow_up: 1 },
      },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.missing.map((m) => m.message['zh-CN'])).toEqual([
      '缺少伦理委员会备案 PDF 扫描件',
      '缺少医院红章照片',
      '请填写「科室」',
      '需要完成至少 3 次「跟进」，当前 1 次',
    ]);
    expect(
      result.missing.map((m) => [m.gate, m.field ?? null, m.have ?? null, m.need ?? null]),
    ).toEqual([
      ['ethics_evidence', 'ethics_filing', 0, 1],
      ['ethics_evidence', 'hospital_seal_photo', 0, 1],
      ['ethics_evidence', 'department', null, null],
      ['ethics_evidence', null, 1, 3],
    ]);
    expect(result.missing[3]!.message.en).toBe('needs at least 3 completed follow-ups; has 1');
  });

  it('opens once the PDF scan, the seal photo, the department and 3 follow-ups are there', () => {
    const record = {
      ethics_filing: ['f1', 'f2'],
      hospital_seal_photo: [{ id: 'f3' }],
      department: '骨科',
    };
    expect(
      checkGate(gates, 'lead', 'contacted', 'ethics_filed', record, {
        now,
        fileMimes,
        completed: { follow_up: 3 },
      }),
    ).toEqual({ ok: true });
  });

  it('does not count a file whose type is unknown or wrong', () => {
    const result = checkGate(
      gates,
      'lead',
      null,
      'ethics_filed',
      { ethics_filing: ['f9'], hospital_seal_photo: ['f1'], department: '骨科' },
      {
        now,
        fileMimes,
        completed: { follow_up: 3 },
      },
    );
    expect(result.ok ? [] : result.missing.map((m) => m.field)).toEqual([
      'ethics_filing',
      'hospital_seal_photo',
    ]);
  });

  it('leaves other transitions and tables alone', () => {
    expect(checkGate(gates, 'lead', 'new', 'contacted', {}, { now })).toEqual({ ok: true });
    expect(checkGate(gates, 'account', 'new', 'ethics_filed', {}, { now })).toEqual({ ok: true });
  });

  it('applies from-limited gates and CEL conditions with their message', () => {
    const rules = {
      ...medicalDeviceRules,
      gates: [
        {
          key: 'paid_needs_reason',
          table: 'lead',
          to: 'paid',
          from: ['registered'],
          require: [
            {
              kind: 'cel' as const,
              cel: 'size(record.tags) > 0 && record.department != null',
              message: {
                'zh-CN': '请先打标签并填写科室',
                en: 'tag the lead and fill in the department first',
              },
            },
          ],
        },
      ],
    };
    const paid = compileRulesOrThrow(medicalDeviceDefinition(rules)).forTable('lead').gates;
    const refused = checkGate(paid, 'lead', 'registered', 'paid', { tags: [] }, { now });
    expect(refused).toEqual({
      ok: false,
      missing: [
        expect.objectContaining({
          gate: 'paid_needs_reason',
          message: rules.gates[0]!.require[0]!.message,
        }),
      ],
    });
    expect(checkGate(paid, 'lead', 'contacted', 'paid', {}, { now })).toEqual({ ok: true });
    expect(
      checkGate(paid, 'lead', 'registered', 'paid', { tags: ['x'], department: '骨科' }, { now }),
    ).toEqual({ ok: true });
  });
});

describe('mimeMatches', () => {
  it('matches exact types and families', () => {
    expect(mimeMatches('image/png', 'image/*')).toBe(true);
    expect(mimeMatches('application/pdf', 'application/pdf')).toBe(true);
    expect(mimeMatches('application/pdfx', 'application/pdf')).toBe(false);
    expect(mimeMatches('', 'image/*')).toBe(false);
  });
});
