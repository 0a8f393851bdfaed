// The rule pipeline inside the write transaction: normalize → dedupe → tag → score → assign → gate.
// Pure decisions come from runtime/rules; this module supplies the data and holds the locks.
import { sql, type RawBuilder } from 'kysely';
import {
  chooseAssignee,
  type AssignmentDecision,
  type CompiledAssignmentRule,
} from '../../runtime/rules/assignment';
import { compileRulesOrThrow, type CompiledRules } from '../../runtime/rules/compile-rules';
import type { DedupeLookup, DedupeMatch, DedupeOutcome } from '../../runtime/rules/dedupe';
import { checkGate } from '../../runtime/rules/gate';
import { dedupeKeysFor, resolveDedupe, runRulePipeline } from '../../runtime/rules/pipeline';
import type { ScoreEvent, ThresholdFiring } from '../../runtime/rules/scorecard';
import type { Db } from '../db/database';
import { BatonError } from '../errors';
import { firstLookCandidates, loadAssignmentCandidates } from './assignment-candidates';
import type { Tx } from './record-repository';
import type { RecordJson } from './record-values';
import type { TableContext } from './table-context';

export interface RuleOutcome {
  readonly dedupe: DedupeOutcome;
  readonly tags: readonly string[];
  readonly scores: ReadonlyArray<{
    readonly card: string;
    readonly score: number;
    readonly band: string | null;
  }>;
  readonly owner: string | null;
  readonly assignment: AssignmentDecision | null;
  readonly firings: readonly ThresholdFiring[];
}

export interface PipelineRun {
  readonly values: RecordJson;
  readonly outcome: RuleOutcome;
  /**
   * The write's bookkeeping as data-modifying statements (dedupe keys, the chosen rep's rotation
   * state) for a record whose id is the SQL `recordId`: a create runs them inside its insert.
   */
  writeSteps(recordId: RawBuilder<unknown>): RawBuilder<unknown>[];
  /** The same bookkeeping as one statement, after an update. */
  afterWrite(tx: Tx, recordId: string): Promise<void>;
}

/**
 * A stage move refused: every missing requirement is listed. 422, not 409: the request is well
 * formed and not racing anyone; the record lacks what the gate asks for, and retrying will not help.
 */
export class GateBlockedError extends BatonError {
  constructor(
    to: string,
    missing: ReadonlyArray<{ readonly message: { readonly 'zh-CN': string; readonly en: string } }>,
  ) {
    super(
      'GATE_BLOCKED',
      422,
      `cannot move to stage "${to}": ${missing.map((m) => m.message.en).join('; ')}`,
      { to, missing },
    );
  }
}

/**
 * The text of the transaction lock a dedupe look-up holds (hashed with `hashtextextended(…, 0)`),
 * one per space, table, rule and key; imports take the same locks for their batches.
 */
function dedupeLockKey(context: TableContext, rule: string, key: string): string {
  return `${context.space.id}:${context.table.key}:${rule}:${key}`;
}

/**
 * The text of the table-wide dedupe lock: every write that looks dedupe keys up holds it shared,
 * before its key locks; an import too large to lock key by key holds it exclusively.
 */
export function dedupeTableLockKey(context: TableContext): string {
  return `${context.space.id}:${context.table.key}:dedupe`;
}

/**
 * Takes the table's dedupe lock shared, then one transaction lock per key in the order given, in
 * one statement. Every writer that looks keys up locks this way (a create in look-up order, an
 * import's batch in rule order, then key), so they never deadlock.
 * @example await takeDedupeLocks(tx, context, [{ rule: 'phone_30d', key: '+8613800000000' }])
 */
export async function takeDedupeLocks(
  executor: Db | Tx,
  context: TableContext,
  keys: ReadonlyArray<{ readonly rule: string; readonly key: string }>,
): Promise<void> {
  const texts = keys.map((k) => dedupeLockKey(context, k.rule, k.key));
  await sql`select pg_advisory_xact_lock_shared(hashtextextended(${dedupeTableLockKey(context)}, 0)),
      (select count(pg_advisory_xact_lock(hashtextextended(k, 0)))
         from unnest(${texts}::text[]) with ordinality u(k, n))`.execute(executor);
}

export function rulesOf(context: TableContext): CompiledRules {
  return compileRulesOrThrow(context.definition);
}

/**
 * Runs the rules on a record about to be written. On create (`previous` null) dedupe looks for an
 * earlier record with the same keys — under a transaction lock per key, so parallel intakes of one
 * lead cannot both be "new" — and assignment picks a rep when nobody owns the record yet, under row
 * locks on the candidates, so parallel assignments never push a rep over capacity.
 */
export async function runPipeline(
  tx: Tx,
  context: TableContext,
  input: RecordJson,
  options: {
    readonly previous: RecordJson | null;
    readonly now: Date;
    /** Run the assignment rules on an existing record too (a flow's `assign: rules`). */
    readonly reassign?: boolean;
  },
): Promise<PipelineRun> {
  const rules = rulesOf(context);
  const table = context.table.key;
  const tableRules = rules.forTable(table);
  const creating = options.previous === null;

  const lookups = creating ? dedupeKeysFor(rules, table, input, options.now) : [];
  const found = await lookUpDedupeKeys(tx, context, lookups);
  const dedupe = resolveDedupe(rules, table, found);
  if (dedupe.kind === 'blocked') {
    throw new BatonError('DUPLICATE_BLOCKED', 409, dedupe.message.en, {
      original: dedupe.original,
      message: dedupe.message,
      rule: dedupe.rule,
    });
  }

  const events =
    tableRules.eventTypes.length > 0 && !creating
      ? await loadEvents(tx, context, String(options.previous?.id))
      : [];
  const result = runRulePipeline(rules, table, input, {
    now: options.now,
    previous: options.previous,
    events,
    dedupe,
  });
  const values: Record<string, unknown> = { ...result.record };
  let owner = (values.owner as string | null | undefined) ?? result.owner ?? null;
  if (result.owner && !values.owner) values.owner = result.owner;

  let assignment: AssignmentDecision | null = null;
  const rule = tableRules.assignment[0];
  if (options.reassign && !creating) {
    // The rules decide afresh: nobody owns the record while they run.
    owner = null;
    values.owner = null;
  }
  if ((creating || options.reassign) && !owner && rule && dedupe.kind !== 'returning') {
    assignment = await assign(tx, context, rule, values, options.now);
    if (assignment.kind === 'user') {
      owner = assignment.userId;
      values.owner = owner;
    }
  }

  if (!creating && options.previous) {
    await assertStageGate(tx, context, options.previous, values, options.now);
  }

  const decision = assignment;
  return {
    values,
    outcome: {
      dedupe,
      tags: tableRules.tagsField
        ? ((values[tableRules.tagsField] as string[] | undefined) ?? [])
        : [],
      scores: result.scores.map((s) => ({ card: s.card, score: s.score, band: s.band })),
      owner,
      assignment,
      firings: result.firings,
    },
    writeSteps,
    async afterWrite(writeTx, recordId) {
      const [first, ...rest] = writeSteps(sql`${recordId}::uuid`);
      if (!first) return;
      const ctes = rest.map((step, i) => sql`step_${sql.raw(String(i))} as (${step})`);
      await (ctes.length > 0
        ? sql`with ${sql.join(ctes)} ${first}`.execute(writeTx)
        : first.execute(writeTx));
    },
  };

  function writeSteps(recordId: RawBuilder<unknown>): RawBuilder<unknown>[] {
    const steps: RawBuilder<unknown>[] = [];
    if (lookups.length > 0) {
      // A returning lead renews the key for its original, so every later match (and the
      // window, counted from the latest contact) leads back to the first record.
      const owner =
        dedupe.kind === 'returning' || dedupe.kind === 'flagged'
          ? sql`${dedupe.original}::uuid`
          : recordId;
      steps.push(sql`insert into platform.dedupe_keys (space_id, table_key, rule_key, key, record_id)
          select ${context.space.id}::uuid, ${table}, u.rule, u.key, ${owner}
          from unnest(${lookups.map((l) => l.rule)}::text[], ${lookups.map((l) => l.key)}::text[]) u(rule, key)`);
    }
    if (decision?.kind === 'user') {
      steps.push(sql`insert into platform.assignment_state
            (space_id, rule_key, user_id, last_assigned_at, assigned_count)
          values (${context.space.id}::uuid, ${decision.rule}, ${decision.userId}::uuid,
            ${new Date(decision.assignedAt)}::timestamptz, 1)
          on conflict (space_id, rule_key, user_id) do update
            set last_assigned_at = excluded.last_assigned_at,
              assigned_count = platform.assignment_state.assigned_count + 1`);
    }
    return steps;
  }
}

/**
 * Locks the look-ups' keys and finds, per look-up, the earliest live record holding its key inside
 * the window: two statements whatever the number of rules. The table's dedupe lock, shared, comes
 * first (an import that locks the whole table takes it exclusively and waits for this write), then
 * one transaction lock per key in look-up order; the look-ups run after, in a statement whose
 * snapshot sees every commit the locks waited for.
 */
async function lookUpDedupeKeys(
  tx: Tx,
  context: TableContext,
  lookups: readonly DedupeLookup[],
): Promise<Array<{ rule: string; match: DedupeMatch | null }>> {
  if (lookups.length === 0) return [];
  await takeDedupeLocks(tx, context, lookups);
  const matches = await sql<{ n: number; id: string; owner: string | null }>`
    select l.n::int as n, m.id, m.owner
    from unnest(${lookups.map((l) => l.rule)}::text[], ${lookups.map((l) => l.key)}::text[],
      ${lookups.map((l) => l.since)}::timestamptz[]) with ordinality l(rule, key, since, n)
    cross join lateral (
      select r.id, r.owner from platform.dedupe_keys k
      join ${sql.raw(context.ref)} r on r.id = k.record_id and r.deleted_at is null
      where k.space_id = ${context.space.id} and k.table_key = ${context.table.key}
        and k.rule_key = l.rule and k.key = l.key and k.created_at >= l.since
      order by k.created_at limit 1) m`.execute(tx);
  const byIndex = new Map(matches.rows.map((m) => [Number(m.n), m]));
  return lookups.map((lookup, i) => {
    const m = byIndex.get(i + 1);
    return { rule: lookup.rule, match: m ? { id: String(m.id), owner: m.owner } : null };
  });
}

async function assign(
  tx: Tx,
  context: TableContext,
  rule: CompiledAssignmentRule,
  record: RecordJson,
  now: Date,
): Promise<AssignmentDecision> {
  // A first look without locks finds who could take the record at all, under any entry (region,
  // product line, on shift); only those people are then locked, in one statement and in id order,
  // and re-read. Leads for different regions are assigned in parallel; leads competing for the same
  // reps queue and respect capacity.
  // Capacity is judged after the lock, so the first look needs no open counts (all read 0).
  const everyone = await firstLookCandidates(tx, context, rule);
  const contenders = new Set<string>();
  for (const entry of rule.entries) {
    const alone = chooseAssignee({ ...rule, entries: [entry] }, record, everyone, now);
    for (const t of alone.trace) for (const id of t.eligible) contenders.add(id);
  }
  const locked = await loadAssignmentCandidates(tx, context, rule, {
    lock: true,
    only: [...contenders],
  });
  return chooseAssignee(rule, record, locked, now);
}

/**
 * Refuses a stage move whose gate requirements do not hold (`GateBlockedError` lists every missing
 * item); anything else passes. Imports call it for rows that move a record's stage.
 */
export async function assertStageGate(
  tx: Db,
  context: TableContext,
  previous: RecordJson,
  values: RecordJson,
  now: Date,
): Promise<void> {
  if (values.stage === undefined || values.stage === previous.stage) return;
  if (typeof values.stage !== 'string') return;
  const gates = rulesOf(context).forTable(context.table.key).gates;
  const facts = await gateFacts(tx, context, values, String(previous.id));
  const gate = checkGate(
    gates,
    context.table.key,
    (previous.stage as string | null) ?? null,
    values.stage,
    values,
    { now, ...facts },
  );
  if (!gate.ok) throw new GateBlockedError(values.stage, gate.missing);
}

async function loadEvents(tx: Tx, context: TableContext, recordId: string): Promise<ScoreEvent[]> {
  return (await loadEventsOf(tx, context, [recordId])).get(recordId) ?? [];
}

/**
 * The behaviour events of several records (up to 10,000 each, oldest first), for scorecards that
 * count events: one query for an import's batch of updates.
 */
export async function loadEventsOf(
  tx: Db,
  context: TableContext,
  recordIds: readonly string[],
): Promise<Map<string, ScoreEvent[]>> {
  const events = new Map<string, ScoreEvent[]>();
  if (recordIds.length === 0) return events;
  const rows = await sql<{ record_id: string; type: string; at: Date; payload: unknown }>`
    select e.record_id, e.type, e.at, e.payload
    from unnest(${recordIds}::uuid[]) r(id)
    cross join lateral (
      select record_id, type, at, payload from platform.behaviour_events
      where space_id = ${context.space.id} and table_key = ${context.table.key} and record_id = r.id
      order by at limit 10000) e`.execute(tx);
  for (const r of rows.rows) {
    const id = String(r.record_id);
    const list = events.get(id) ?? [];
    list.push({
      type: r.type,
      at: r.at.toISOString(),
      payload: (r.payload ?? {}) as Record<string, unknown>,
    });
    events.set(id, list);
  }
  return events;
}

async function gateFacts(tx: Db, context: TableContext, record: RecordJson, recordId: string) {
  const fileIds = context.table.fields
    .filter((f) => f.type === 'attachments')
    .flatMap((f) => (Array.isArray(record[f.key]) ? (record[f.key] as string[]) : []));
  const files =
    fileIds.length === 0
      ? []
      : await tx
          .selectFrom('platform.files')
          .select(['id', 'mime_type'])
          .where('id', 'in', fileIds)
          .execute();
  const tasks = await tx
    .selectFrom('platform.tasks')
    .select(['node', (eb) => eb.fn.countAll<string>().as('n')])
    .where('space_id', '=', context.space.id)
    .where('record_id', '=', recordId)
    .where('status', '=', 'done')
    .groupBy('node')
    .execute();
  return {
    fileMimes: Object.fromEntries(files.map((f) => [f.id, f.mime_type])),
    completed: Object.fromEntries(tasks.map((t) => [t.node ?? 'task', Number(t.n)])),
  };
}
