// The one write path for records: validate → computed values and CEL checks → persist + audit in one transaction.
import { isReadOnlyField } from '../../runtime/forms/record-json-schema';
import { sameJson } from '../../runtime/definition/diff-definitions';
import type { Db } from '../db/database';
import { BatonError, NotFoundError } from '../errors';
import { checkAttachments } from './attachment-check';
import { assertNotFrozen, enqueueFlowEvents } from './record-flows';
import { constraintError, RecordInvalidError, StaleVersionError } from './record-errors';
import {
  appendAudit,
  insertRowWithAudit,
  insertedId,
  lockRow,
  readRow,
  setDeleted,
  updateRow,
  type AuditEntry,
  type Row,
  type Tx,
  type WriteMeta,
} from './record-repository';
import { validateWith, type FieldIssue } from './record-validator';
import { rowToRecord, type RecordJson } from './record-values';
import { applyTableRules } from './table-rules';
import { enqueueRuleActions } from './rule-actions-outbox';
import { rulesOf, runPipeline, type RuleOutcome } from './rule-pipeline';
import { runRulePipeline } from '../../runtime/rules/pipeline';
import type { DedupeOutcome } from '../../runtime/rules/dedupe';
import type { ThresholdFiring } from '../../runtime/rules/scorecard';
import type { TableContext } from './table-context';

export interface RecordWriteOptions extends WriteMeta {
  /** The clock reading rules see (an input, so tests and replays are deterministic). */
  readonly now?: Date;
  /** Permission check on the locked current record (platform/permissions); throws to refuse. */
  readonly guard?: (tx: Tx, current: RecordJson) => Promise<void>;
  /** The form the write was submitted through; flows triggered by `form.submitted` start. */
  readonly form?: string;
  /** Run the assignment rules again on an update (a flow's `assign: rules`). */
  readonly reassign?: boolean;
}

/**
 * Creates a record through the whole pipeline: structure check, rules (normalize → dedupe → tag →
 * score → assign), computed values and CEL validations, then insert + audit + outbox in one
 * transaction. Refusals (400 with every field problem, 409 for a blocked duplicate) leave nothing.
 * @example await createRecord(db, context, { name: '张三', phone: '13800138000' }, { actor: null, source: 'api' })
 */
export async function createRecord(
  db: Db,
  context: TableContext,
  input: unknown,
  options: RecordWriteOptions,
): Promise<RecordJson> {
  return (await createRecordDetailed(db, context, input, options)).record;
}

/** `createRecord`, also answering what the rules decided (dedupe, tags, scores, owner). */
export async function createRecordDetailed(
  db: Db,
  context: TableContext,
  input: unknown,
  options: RecordWriteOptions,
): Promise<{ record: RecordJson; outcome: RuleOutcome }> {
  const now = options.now ?? new Date();
  const issues = validateWith(context.validators.create, input);
  if (issues.length > 0) throw new RecordInvalidError(issues);
  const values = withDefaults(context, input as RecordJson);
  if (options.form === undefined && createsInOneStatement(context, values)) {
    const piped = runRulePipeline(rulesOf(context), context.table.key, values, { now });
    const final = finalValues(context, piped.record, now);
    const inserted = await mappingConstraints(context, () =>
      insertRowWithAudit(db, context, final, options),
    );
    return {
      record: rowToRecord(inserted, context.table.fields),
      outcome: {
        dedupe: { kind: 'unique' },
        tags: tagsOf(context, final),
        scores: piped.scores.map((s) => ({ card: s.card, score: s.score, band: s.band })),
        owner: (final.owner as string | null | undefined) ?? null,
        assignment: null,
        firings: [],
      },
    };
  }
  return write(db, context, async (tx) => {
    const run = await runPipeline(tx, context, values, { previous: null, now });
    const final = finalValues(context, run.values, now);
    const fileIssues = await checkAttachments(tx, context, final);
    if (fileIssues.length > 0) throw new RecordInvalidError(fileIssues);
    const inserted = await insertRowWithAudit(
      tx,
      context,
      final,
      options,
      run.writeSteps(insertedId),
    );
    const record = rowToRecord(inserted, context.table.fields);
    await enqueueFlowEvents(tx, context, null, record, now, options.form);
    await enqueueRuleActions(tx, context, record, run.outcome);
    return { record, outcome: run.outcome };
  });
}

/**
 * Whether a create needs nothing but the insert and its audit row: no dedupe look-up, no
 * assignment, no score threshold that could fire, no flow started on create, no attachment to
 * check. Such a create is one statement without BEGIN/COMMIT round trips; a single statement is
 * atomic in PostgreSQL.
 */
function createsInOneStatement(context: TableContext, values: RecordJson): boolean {
  if (createNeedsDatabaseRules(context)) return false;
  return !context.table.fields.some(
    (f) => f.type === 'attachments' && Array.isArray(values[f.key]) && values[f.key] !== null,
  );
}

/**
 * Whether a create of the table runs rule steps that need the database: dedupe look-ups,
 * assignment, score thresholds that may fire, flows started on create. Imports run these steps
 * batch by batch (platform/imports/batch-rules.ts) when it is true.
 */
export function createNeedsDatabaseRules(context: TableContext): boolean {
  const rules = rulesOf(context).forTable(context.table.key);
  if (rules.dedupe.length > 0 || rules.assignment.length > 0) return true;
  if (rules.scorecards.some((card) => (card.card.thresholds ?? []).length > 0)) return true;
  return startsFlowOnCreate(context);
}

/** Triggers that may start a flow when a record is created (through the outbox, so in a transaction). */
const createTriggers: ReadonlySet<string> = new Set(['record.created', 'form.submitted']);

function startsFlowOnCreate(context: TableContext): boolean {
  return (context.definition.flows ?? []).some(
    (f) => f.table === context.table.key && createTriggers.has(f.trigger.on),
  );
}

function tagsOf(context: TableContext, values: RecordJson): string[] {
  const field = rulesOf(context).forTable(context.table.key).tagsField;
  return field ? ((values[field] as string[] | undefined) ?? []) : [];
}

/**
 * What a create does before storage without the database: JSON Schema validation, defaults, the
 * pure rule steps (normalize, tag, score), computed values and CEL validations. Imports use it;
 * they look dedupe up themselves and pass the outcome in (`dedupe`), then assign in batches.
 */
export function prepareCreate(
  context: TableContext,
  input: unknown,
  now: Date,
  dedupe?: DedupeOutcome,
):
  | { ok: true; values: RecordJson; firings?: readonly ThresholdFiring[] }
  | { ok: false; issues: FieldIssue[] } {
  const issues = validateWith(context.validators.create, input);
  if (issues.length > 0) return { ok: false, issues };
  const piped = runRulePipeline(
    rulesOf(context),
    context.table.key,
    withDefaults(context, input as RecordJson),
    { now, dedupe },
  );
  const values = { ...piped.record };
  // As in runPipeline: a returning lead goes to its original's owner unless the row names one.
  if (piped.owner && !values.owner) values.owner = piped.owner;
  try {
    const final = finalValues(context, values, now);
    return piped.firings.length > 0
      ? { ok: true, values: final, firings: piped.firings }
      : { ok: true, values: final };
  } catch (error) {
    if (error instanceof RecordInvalidError) return { ok: false, issues: [...error.issues] };
    throw error;
  }
}

/**
 * Computed values and CEL validations again on prepared values whose owner an import's batch
 * assignment just set, as `createRecord` computes them after assignment.
 */
export function finishCreate(
  context: TableContext,
  values: RecordJson,
  now: Date,
): { ok: true; values: RecordJson } | { ok: false; issues: FieldIssue[] } {
  try {
    return { ok: true, values: finalValues(context, values, now) };
  } catch (error) {
    if (error instanceof RecordInvalidError) return { ok: false, issues: [...error.issues] };
    throw error;
  }
}

/** Computed values and CEL validations on what the rules produced, then the schema once more. */
function finalValues(context: TableContext, values: RecordJson, now: Date): RecordJson {
  const ruled = applyTableRules(context, values, now);
  if (ruled.issues.length > 0) throw new RecordInvalidError(ruled.issues);
  const writableValues = Object.fromEntries(
    Object.entries(ruled.values).filter(([key]) => {
      const field = context.fields.get(key);
      return key === 'owner' || key === 'stage' || (field !== undefined && !isReadOnlyField(field));
    }),
  );
  const issues = validateWith(context.validators.create, stripNulls(writableValues));
  if (issues.length > 0) throw new RecordInvalidError(issues);
  return ruled.values;
}

/**
 * Applies a partial update if the record is still at `expectedVersion` (409 otherwise). Rules run
 * again (normalize, tag, score; gates on a stage move); only changed fields are written and
 * audited, and an update that changes nothing keeps the version.
 */
export async function updateRecord(
  db: Db,
  context: TableContext,
  id: string,
  patch: unknown,
  expectedVersion: number,
  options: RecordWriteOptions,
): Promise<RecordJson> {
  const now = options.now ?? new Date();
  const issues = validateWith(context.validators.patch, patch);
  if (issues.length > 0) throw new RecordInvalidError(issues);
  const row = await write(db, context, async (tx) => {
    const current = await lockLive(tx, context, id);
    await options.guard?.(tx, rowToRecord(current, context.table.fields));
    if (options.source !== 'flow') await assertNotFrozen(tx, context, id);
    if (current.version !== expectedVersion) {
      throw new StaleVersionError(id, expectedVersion, Number(current.version));
    }
    const before = rowToRecord(current, context.table.fields);
    const merged = { ...writable(context, before), ...(patch as RecordJson) };
    const run = await runPipeline(tx, context, merged, {
      previous: before,
      now,
      reassign: options.reassign,
    });
    const values = finalValues(context, run.values, now);
    const fileIssues = await checkAttachments(tx, context, patch as RecordJson);
    if (fileIssues.length > 0) throw new RecordInvalidError(fileIssues);
    const changes: Row = {};
    const audit: AuditEntry[] = [];
    for (const [key, value] of Object.entries(values)) {
      if (key !== 'owner' && key !== 'stage' && !context.fields.has(key)) continue;
      if (sameJson(before[key] ?? null, value ?? null)) continue;
      changes[key] = value;
      audit.push({
        recordId: id,
        action: 'update',
        field: key,
        before: before[key] ?? null,
        after: value ?? null,
      });
    }
    if (audit.length === 0) return current;
    const updated = await updateRow(tx, context, id, changes, options);
    await appendAudit(tx, context, audit, options);
    if (options.reassign) await run.afterWrite(tx, id);
    const after = rowToRecord(updated, context.table.fields);
    await enqueueFlowEvents(tx, context, before, after, now, options.form);
    await enqueueRuleActions(tx, context, after, run.outcome);
    return updated;
  });
  return rowToRecord(row, context.table.fields);
}

/** Soft-deletes (or restores) a record at `expectedVersion`; its data stays. */
export async function setRecordDeleted(
  db: Db,
  context: TableContext,
  id: string,
  deleted: boolean,
  expectedVersion: number | undefined,
  options: RecordWriteOptions,
): Promise<RecordJson> {
  const row = await write(db, context, async (tx) => {
    const current = await lockRow(tx, context, id);
    if (!current) throw new NotFoundError('record', id);
    await options.guard?.(tx, rowToRecord(current, context.table.fields));
    if (options.source !== 'flow') await assertNotFrozen(tx, context, id);
    if ((current.deleted_at !== null) === deleted) {
      throw new BatonError(
        'ALREADY_IN_STATE',
        409,
        deleted ? `record ${id} is already deleted` : `record ${id} is not deleted`,
      );
    }
    if (expectedVersion !== undefined && current.version !== expectedVersion) {
      throw new StaleVersionError(id, expectedVersion, Number(current.version));
    }
    const changed = await setDeleted(tx, context, id, deleted, options);
    await appendAudit(
      tx,
      context,
      [
        {
          recordId: id,
          action: deleted ? 'delete' : 'restore',
          field: null,
          before: null,
          after: null,
        },
      ],
      options,
    );
    return changed;
  });
  return rowToRecord(row, context.table.fields);
}

/** A live record, or a 404-mapped error; `includeDeleted` also finds soft-deleted ones. */
export async function getRecordOrThrow(
  db: Db,
  context: TableContext,
  id: string,
  includeDeleted = false,
): Promise<RecordJson> {
  const row = await readRow(db, context, id);
  if (!row || (!includeDeleted && row.deleted_at !== null)) throw new NotFoundError('record', id);
  return rowToRecord(row, context.table.fields);
}

async function lockLive(tx: Tx, context: TableContext, id: string): Promise<Row> {
  const row = await lockRow(tx, context, id);
  if (!row || row.deleted_at !== null) throw new NotFoundError('record', id);
  return row;
}

/** Runs a write transaction, mapping constraint violations to field errors. */
function write<T>(db: Db, context: TableContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  return mappingConstraints(context, () => db.transaction().execute(work));
}

/**
 * Runs one write, mapping constraint violations to field errors. A single-statement write goes
 * through this alone: it must not hold a transaction's connection while it takes another from the
 * pool (under load every connection would wait for a second one).
 */
async function mappingConstraints<T>(context: TableContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw constraintError(context, error) ?? error;
  }
}

function withDefaults(context: TableContext, input: RecordJson): RecordJson {
  const values: RecordJson = { ...input };
  for (const field of context.table.fields) {
    if (values[field.key] === undefined && 'default' in field && field.default !== undefined) {
      values[field.key] = field.default;
    }
  }
  return values;
}

/** The client-writable part of a record: designed fields plus owner and stage. */
function writable(context: TableContext, record: RecordJson): RecordJson {
  const values: RecordJson = { owner: record.owner, stage: record.stage };
  for (const field of context.table.fields)
    if (!isReadOnlyField(field)) values[field.key] = record[field.key];
  return values;
}

function stripNulls(values: RecordJson): RecordJson {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== null && v !== undefined),
  );
}
