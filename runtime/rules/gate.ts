// Stage gates: a transition is refused, with everything still missing, unless its requirements hold.
import type { CompiledCel } from '../cel/compile-cel';
import type { TableDefinition } from '../definition/definition-schema';
import type { LocalizedText } from '../localized-text';
import type { Gate, GateRequirement } from './gate-schema';
import type { Path, RuleCompiler } from './rule-compiler';
import type { RecordJson } from './rule-issue';

/** What the platform knows beyond the record: file types, counts of completed work, the time. */
export interface GateFacts {
  readonly now: Date | string;
  /** MIME type (sniffed from the bytes) of each attached file id. */
  readonly fileMimes?: Readonly<Record<string, string>>;
  /** Completed tasks or follow-ups by kind, e.g. `{ follow_up: 2 }`. */
  readonly completed?: Readonly<Record<string, number>>;
}

export interface MissingRequirement {
  readonly gate: string;
  readonly requirement: GateRequirement;
  /** The field at fault, for highlighting it in the form. */
  readonly field?: string;
  /** How many there are and how many are needed, for counted requirements. */
  readonly have?: number;
  readonly need?: number;
  readonly message: LocalizedText;
}

export type GateResult =
  { readonly ok: true } | { readonly ok: false; readonly missing: readonly MissingRequirement[] };

interface CompiledRequirement {
  readonly requirement: GateRequirement;
  readonly cel: CompiledCel | null;
}

export interface CompiledGate {
  readonly key: string;
  readonly table: string;
  readonly gate: Gate;
  readonly requirements: readonly CompiledRequirement[];
  readonly labels: ReadonlyMap<string, LocalizedText>;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  return Array.isArray(value) && value.length === 0;
}

/** Whether a MIME type matches `application/pdf` or a family such as `image/*`. */
export function mimeMatches(mime: string, wanted: string): boolean {
  return wanted.endsWith('/*') ? mime.startsWith(wanted.slice(0, -1)) : mime === wanted;
}

function fileIdsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v: unknown) => {
    if (typeof v === 'string') return [v];
    // Attachments may also arrive as file descriptors.
    return typeof v === 'object' && v !== null && 'id' in v && typeof v.id === 'string'
      ? [v.id]
      : [];
  });
}

function checkOne(
  gate: CompiledGate,
  { requirement, cel }: CompiledRequirement,
  record: RecordJson,
  facts: GateFacts,
): MissingRequirement[] {
  const base = { gate: gate.key, requirement };
  const label = (field: string) => gate.labels.get(field) ?? { 'zh-CN': field, en: field };
  switch (requirement.kind) {
    case 'fields':
      return requirement.fields
        .filter((field) => isEmpty(record[field]))
        .map((field) => ({
          ...base,
          field,
          message: requirement.message ?? {
            'zh-CN': `请填写「${label(field)['zh-CN']}」`,
            en: `${label(field).en} is required`,
          },
        }));
    case 'attachment': {
      const { field, mime } = requirement;
      const need = requirement.min ?? 1;
      const ids = fileIdsOf(record[field]);
      const have =
        mime === undefined
          ? ids.length
          : ids.filter((id) => mimeMatches(facts.fileMimes?.[id] ?? '', mime)).length;
      if (have >= need) return [];
      const kind = mime === undefined ? '' : ` (${mime})`;
      return [
        {
          ...base,
          field,
          have,
          need,
          message: requirement.message ?? {
            'zh-CN': `「${label(field)['zh-CN']}」需要至少 ${need} 个文件${kind}，当前 ${have} 个`,
            en: `${label(field).en} needs at least ${need} file(s)${kind}; has ${have}`,
          },
        },
      ];
    }
    case 'completed': {
      const have = facts.completed?.[requirement.what] ?? 0;
      const need = requirement.min;
      if (have >= need) return [];
      const what = requirement.label ?? { 'zh-CN': requirement.what, en: requirement.what };
      return [
        {
          ...base,
          have,
          need,
          message: requirement.message ?? {
            'zh-CN': `需要完成至少 ${need} 次「${what['zh-CN']}」，当前 ${have} 次`,
            en: `needs at least ${need} completed ${what.en}; has ${have}`,
          },
        },
      ];
    }
    case 'cel': {
      const result = (cel as CompiledCel).evaluate({ record, now: facts.now });
      // A condition that cannot be evaluated (an empty field it reads) is not met.
      return result.ok && result.value === true ? [] : [{ ...base, message: requirement.message }];
    }
  }
}

/**
 * Checks a transition of a record from stage `from` (null: none yet) to `to` against every gate of
 * the table into `to` (and from `from`, when the gate limits it). Lists every missing item of every
 * such gate, not just the first.
 * @example checkGate(gates, 'lead', 'contacted', 'ethics_filed', lead, { now, fileMimes }) // { ok: false, missing: [...] }
 */
export function checkGate(
  gates: readonly CompiledGate[],
  table: string,
  from: string | null,
  to: string,
  record: RecordJson,
  facts: GateFacts,
): GateResult {
  const missing: MissingRequirement[] = [];
  for (const gate of gates) {
    if (gate.table !== table || gate.gate.to !== to) continue;
    if (gate.gate.from && (from === null || !gate.gate.from.includes(from))) continue;
    for (const requirement of gate.requirements)
      missing.push(...checkOne(gate, requirement, record, facts));
  }
  return missing.length === 0 ? { ok: true } : { ok: false, missing };
}

/** Compiles a gate (its table already resolved), reporting every cross-reference issue. */
export function compileGate(
  compiler: RuleCompiler,
  table: TableDefinition,
  gate: Gate,
  at: Path,
): CompiledGate {
  compiler.stage(table, gate.to, [...at, 'to']);
  gate.from?.forEach((s, i) => compiler.stage(table, s, [...at, 'from', i]));
  const requirements = gate.require.map((requirement, i): CompiledRequirement => {
    const where = [...at, 'require', i];
    switch (requirement.kind) {
      case 'fields':
        requirement.fields.forEach((f, j) => compiler.field(table, f, [...where, 'fields', j]));
        return { requirement, cel: null };
      case 'attachment':
        compiler.field(table, requirement.field, [...where, 'field'], ['attachments']);
        return { requirement, cel: null };
      case 'completed':
        return { requirement, cel: null };
      case 'cel':
        return {
          requirement,
          cel: compiler.cel(requirement.cel, { record: table.fields }, 'bool', [...where, 'cel']),
        };
    }
  });
  const labels = new Map(table.fields.map((f) => [f.key, f.label]));
  return { key: gate.key, table: table.key, gate, requirements, labels };
}
