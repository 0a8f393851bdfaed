// Dry run of a draft rule set: the published rules and the draft's each run over the same stored
// records with the pure runtime, and what differs is listed per record. Reads in one read-only
// transaction; nothing is written, nothing is locked.
import { validateDefinition } from '../../runtime/definition/validate-definition';
import { chooseAssignee, type AssignmentCandidate } from '../../runtime/rules/assignment';
import { compileRulesOrThrow, type CompiledRules } from '../../runtime/rules/compile-rules';
import { diffRuleOutcome, outcomeOf, type RuleChange } from '../../runtime/rules/diff-rule-outcome';
import { checkGate } from '../../runtime/rules/gate';
import { runRulePipeline } from '../../runtime/rules/pipeline';
import type { RuleIssue } from '../../runtime/rules/rule-issue';
import type { Db } from '../db/database';
import { getDraft } from '../definitions/definition-store';
import { DefinitionInvalidError } from '../definitions/publish-service';
import { BatonError } from '../errors';
import type { Tx } from '../records/record-repository';
import { rowToRecord, type RecordJson } from '../records/record-values';
import { rulesOf } from '../records/rule-pipeline';
import { resolveTable, type TableContext } from '../records/table-context';
import { assignmentCandidates, eventsByRecord, gateFactsByRecord } from './dry-run-facts';
import { readRecords } from './dry-run-records';

/** Most records one dry run evaluates. */
export const maxDryRunRecords = 10_000;

export interface DryRunRequest {
  readonly table: string;
  /** Evaluate a random sample of this many records; default: all (up to 10,000, oldest first). */
  readonly sample?: number;
  /** The draft to evaluate; default: the space's saved draft. */
  readonly definition?: unknown;
}

export interface DryRunResult {
  readonly table: string;
  /** Where the draft came from. */
  readonly draft: 'saved' | 'request';
  readonly publishedVersion: number;
  /** Live records in the table. */
  readonly total: number;
  readonly evaluated: number;
  /** True when `sample` was absent and the table holds more than 10,000 records. */
  readonly truncated: boolean;
  /** How many evaluated records would change, and how many changes of each kind. */
  readonly changed: number;
  readonly summary: Readonly<Record<RuleChange['kind'], number>>;
  /** Only the records that would change. */
  readonly records: ReadonlyArray<{
    readonly id: string;
    readonly changes: readonly RuleChange[];
    /** Draft rules that could not be evaluated on this record (a CEL error on its data). */
    readonly issues?: readonly RuleIssue[];
  }>;
}

/**
 * What the draft would change on stored records compared with the published rules: tags, scores,
 * bands, the owner pooled records would get, the gate verdict of their current stage, and values
 * normalizers rewrite. Throws DefinitionInvalidError (422) for a draft that does not validate.
 * @example await dryRunRules(db, 'meddev', { table: 'lead', sample: 200 })
 */
export async function dryRunRules(
  db: Db,
  spaceKey: string,
  request: DryRunRequest,
): Promise<DryRunResult> {
  const now = new Date();
  const context = await resolveTable(db, spaceKey, request.table);
  const draftSource = request.definition === undefined ? 'saved' : 'request';
  const draft = request.definition ?? (await getDraft(db, context.space.id)).definition;
  const validated = validateDefinition(draft);
  if (!validated.ok) throw new DefinitionInvalidError(validated.issues);
  if (!validated.value.tables.some((t) => t.key === request.table)) {
    throw new BatonError(
      'UNKNOWN_TABLE',
      400,
      `the draft has no table "${request.table}" to run its rules on`,
    );
  }
  const published = rulesOf(context);
  const proposed = compileRulesOrThrow(validated.value);

  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (tx) => {
      const { rows, total } = await readRecords(tx, context, request.sample, maxDryRunRecords);
      const records = rows.map((row) => rowToRecord(row, context.table.fields));
      const ids = records.map((r) => String(r.id));
      const types = [
        ...new Set([
          ...published.forTable(request.table).eventTypes,
          ...proposed.forTable(request.table).eventTypes,
        ]),
      ];
      const events = await eventsByRecord(tx, context, ids, types);
      const facts = await gateFactsByRecord(tx, context, records);
      const pooled = records.filter((r) => !r.owner);
      const assignBefore = await assigner(tx, context, published, pooled.length > 0, now);
      const assignAfter = await assigner(tx, context, proposed, pooled.length > 0, now);

      const summary: Record<RuleChange['kind'], number> = {
        field: 0,
        tags: 0,
        score: 0,
        band: 0,
        owner: 0,
        gate: 0,
      };
      const changedRecords: Array<DryRunResult['records'][number]> = [];
      for (const record of records) {
        const id = String(record.id);
        const input = { now, previous: record, events: events.get(id) ?? [] };
        const evaluate = (rules: CompiledRules, assign: Assigner) => {
          const result = runRulePipeline(rules, request.table, record, input);
          const stage = typeof record.stage === 'string' ? record.stage : null;
          const gate =
            stage === null
              ? null
              : checkGate(
                  rules.forTable(request.table).gates,
                  request.table,
                  null,
                  stage,
                  result.record,
                  {
                    now,
                    ...facts.get(id),
                  },
                );
          const owner = typeof record.owner === 'string' ? record.owner : assign(result.record);
          return { result, outcome: outcomeOf(result, { owner, gate }) };
        };
        const before = evaluate(published, assignBefore);
        const after = evaluate(proposed, assignAfter);
        const changes = diffRuleOutcome(before.outcome, after.outcome);
        if (changes.length === 0) continue;
        for (const change of changes) summary[change.kind]++;
        changedRecords.push({
          id,
          changes,
          ...(after.result.issues.length > 0 ? { issues: after.result.issues } : {}),
        });
      }
      return {
        table: request.table,
        draft: draftSource,
        publishedVersion: context.version,
        total,
        evaluated: records.length,
        truncated: request.sample === undefined && total > records.length,
        changed: changedRecords.length,
        summary,
        records: changedRecords,
      };
    });
}

/** Who a rule set's assignment would pick for a pooled record: a user id, `pool:<key>` or null. */
type Assigner = (record: RecordJson) => string | null;

/**
 * Simulates the rule set's first assignment rule over the pooled records in order, counting each
 * simulated assignment against the rep's capacity as the write path would.
 */
async function assigner(
  tx: Tx,
  context: TableContext,
  rules: CompiledRules,
  needed: boolean,
  now: Date,
): Promise<Assigner> {
  const rule = rules.forTable(context.table.key).assignment[0];
  if (!rule || !needed) return () => null;
  const candidates: AssignmentCandidate[] = await assignmentCandidates(tx, context, rule);
  let tick = 0;
  return (record) => {
    // A millisecond apart, so round robin sees the simulated assignments in order.
    const decision = chooseAssignee(rule, record, candidates, new Date(now.getTime() + tick++));
    if (decision.kind === 'pool') return `pool:${decision.pool}`;
    const i = candidates.findIndex((c) => c.id === decision.userId);
    const chosen = candidates[i]!;
    candidates[i] = {
      ...chosen,
      openCount: chosen.openCount + 1,
      lastAssignedAt: decision.assignedAt,
      assignedCount: (chosen.assignedCount ?? 0) + 1,
    };
    return decision.userId;
  };
}
