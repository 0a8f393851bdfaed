// Turns a template and parameter values into a validated app definition.
import type { AppDefinition } from '../definition/definition-schema';
import { compileCel } from '../cel/compile-cel';
import {
  issue,
  pointerOf,
  type DefinitionIssue,
  type Result,
} from '../definition/definition-issue';
import { validateDefinition, type ValidationContext } from '../definition/validate-definition';
import { substituteParameters, type PlacedParameter } from './substitute-params';
import { resolveParameters } from './template-params';
import type { Template } from './template-schema';

/**
 * Instantiates a template: checks the parameters (defaults fill the gaps; text such as `"3"` is
 * coerced), substitutes them into the definition and validates the result like a publish would.
 * Parameter problems point at `/params/<name>`; definition problems at `/definition/…`, except
 * those at a substituted value, which point back at the parameter that put it there.
 * @example instantiateTemplate(template, { first_response: 'PT2S' }) // { ok: true, value: definition }
 */
export function instantiateTemplate(
  template: Template,
  params: Readonly<Record<string, unknown>> = {},
  context: ValidationContext = {},
): Result<AppDefinition> {
  const values = resolveParameters(template.parameters, params);
  if (!values.ok) return values;
  const substituted = substituteParameters(template.definition, values.value, ['definition']);
  if (substituted.issues.length > 0) return { ok: false, issues: substituted.issues };
  const validated = validateDefinition(substituted.value, context);
  const issues = validated.ok ? triggerIssues(validated.value) : validated.issues;
  if (validated.ok && issues.length === 0) return validated;
  return { ok: false, issues: issues.map((i) => blame(i, substituted.placed)) };
}

/**
 * Update triggers' conditions, type-checked over `old` and `record`. Publish does not check them
 * yet, and a condition that does not compile would fail every later write of the table.
 */
function triggerIssues(definition: AppDefinition): DefinitionIssue[] {
  return (definition.flows ?? []).flatMap((flow, f) => {
    if (flow.trigger.on !== 'record.updated' || !flow.trigger.when) return [];
    const fields = definition.tables.find((t) => t.key === flow.table)?.fields ?? [];
    const compiled = compileCel(
      flow.trigger.when,
      { record: fields, old: true },
      { expect: 'bool' },
    );
    if (compiled.ok) return [];
    return compiled.issues.map((cel) =>
      issue(
        ['flows', f, 'trigger', 'when'],
        cel.code,
        `line ${cel.line}, column ${cel.column}: ${cel.message}`,
        `第 ${cel.line} 行第 ${cel.column} 列：${cel.message}`,
      ),
    );
  });
}

/**
 * Points an issue at the parameter whose value sits at (or above) the issue's location; an issue in
 * text that merely contains a parameter stays where it is and names the parameter.
 */
function blame(
  found: DefinitionIssue,
  placed: ReadonlyMap<string, PlacedParameter>,
): DefinitionIssue {
  const at = `${pointerOf(['definition'])}${found.pointer}`;
  for (const [pointer, { name, whole }] of placed) {
    if (found.pointer !== pointer && !found.pointer.startsWith(`${pointer}/`)) continue;
    const [en, zh] = whole
      ? [`at ${at}`, `位置 ${at}`]
      : [`uses {{params.${name}}}`, `含参数 {{params.${name}}}`];
    return {
      pointer: whole ? pointerOf(['params', name]) : at,
      code: found.code,
      message: { en: `${found.message.en} (${en})`, 'zh-CN': `${found.message['zh-CN']}（${zh}）` },
    };
  }
  return { ...found, pointer: at };
}
