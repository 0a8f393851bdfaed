// What an update does before storage, for imports that update matched records in bulk.
// Mirrors updateRecord in record-service; it belongs beside prepareCreate there.
import { sameJson } from '../../runtime/definition/diff-definitions';
import { isReadOnlyField } from '../../runtime/forms/record-json-schema';
import { runRulePipeline } from '../../runtime/rules/pipeline';
import type { ScoreEvent, ThresholdFiring } from '../../runtime/rules/scorecard';
import { validateWith, type FieldIssue } from '../records/record-validator';
import { rulesOf } from '../records/rule-pipeline';
import type { RecordJson } from '../records/record-values';
import { applyTableRules } from '../records/table-rules';
import type { TableContext } from '../records/table-context';

export type PreparedUpdate =
  | {
      readonly ok: true;
      readonly values: RecordJson;
      readonly changed: readonly string[];
      /** Score thresholds the update crosses (their actions go to the outbox). */
      readonly firings: readonly ThresholdFiring[];
    }
  | { readonly ok: false; readonly issues: FieldIssue[] };

/**
 * Applies `patch` to `current` (a record as JSON) the way updateRecord does: the patch is checked,
 * the rules run on the merged record (normalize, tag, score against the stored score, with the
 * record's behaviour `events`), the result is validated as a whole, computed values and CEL
 * validations run. Returns the new values of the writable and computed columns, which of them
 * changed and the thresholds crossed. Stage gates need the database: see `assertStageGate`.
 * @example prepareUpdate(context, lead, { province: 'jiangsu' }, new Date()) // { ok: true, changed: ['province'], … }
 */
export function prepareUpdate(
  context: TableContext,
  current: RecordJson,
  patch: RecordJson,
  now: Date,
  events: readonly ScoreEvent[] = [],
): PreparedUpdate {
  const patchIssues = validateWith(context.validators.patch, patch);
  if (patchIssues.length > 0) return { ok: false, issues: patchIssues };
  const written: RecordJson = { owner: current.owner ?? null, stage: current.stage ?? null };
  for (const field of context.table.fields)
    if (!isReadOnlyField(field)) written[field.key] = current[field.key] ?? null;
  Object.assign(written, patch);
  const piped = runRulePipeline(rulesOf(context), context.table.key, written, {
    now,
    previous: current,
    events,
  });
  const merged: RecordJson = { ...piped.record };
  const nonNull = Object.fromEntries(
    Object.entries(merged).filter(([, v]) => v !== null && v !== undefined),
  );
  const issues = validateWith(context.validators.create, nonNull);
  if (issues.length > 0) return { ok: false, issues };
  const ruled = applyTableRules(context, merged, now);
  if (ruled.issues.length > 0) return { ok: false, issues: ruled.issues };
  const changed = Object.keys(ruled.values).filter(
    (key) => !sameJson(current[key] ?? null, ruled.values[key] ?? null),
  );
  return { ok: true, values: ruled.values, changed, firings: piped.firings };
}
