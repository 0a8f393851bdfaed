// The database-side rule steps of a create, for an import's batch: dedupe, assignment, outbox.
// The same decisions as runPipeline (platform/records/rule-pipeline.ts), taken set-based: one lock
// statement and one look-up for every dedupe key of the batch, one lock on the candidate reps,
// one insert each for dedupe keys, rotation state and outbox entries.
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { chooseAssignee, type AssignmentCandidate } from '../../runtime/rules/assignment';
import type { DedupeLookup, DedupeMatch, DedupeOutcome } from '../../runtime/rules/dedupe';
import { dedupeKeysFor, resolveDedupe } from '../../runtime/rules/pipeline';
import { kyselyOn, type Db } from '../db/database';
import { enqueueOutboxBatch, type OutboxMessage } from '../outbox/outbox-repository';
import { firstLookCandidates, loadAssignmentCandidates } from '../records/assignment-candidates';
import { flowEventMessages } from '../records/record-flows';
import { finishCreate, prepareCreate } from '../records/record-service';
import { rowToRecord, type RecordJson } from '../records/record-values';
import { ruleActionMessages } from '../records/rule-actions-outbox';
import {
  dedupeTableLockKey,
  rulesOf,
  takeDedupeLocks,
  type RuleOutcome,
} from '../records/rule-pipeline';
import type { TableContext } from '../records/table-context';
import type { PreparedCreate } from './bulk-insert';
import type { PlannedUpdate } from './bulk-update';
import type { RowIssue } from './import-errors';
import type { FieldIssue } from '../records/record-validator';

/** A create of the batch with what the database-side rules decided for it. */
export interface RuledCreate extends PreparedCreate {
  readonly id: string;
  readonly input: RecordJson;
  values: RecordJson;
  readonly firings?: RuleOutcome['firings'];
  readonly lookups: readonly DedupeLookup[];
  dedupe: DedupeOutcome;
  assignment: RuleOutcome['assignment'];
}

export interface BatchRuleInput extends PreparedCreate {
  readonly input: RecordJson;
  readonly firings?: RuleOutcome['firings'];
}

/**
 * How the batch excludes concurrent writers of the same dedupe keys: `keys` takes the very
 * transaction locks a single create takes (the table's dedupe lock shared, then one per key);
 * `table` takes the table's dedupe lock exclusively instead — it waits for every write that is
 * looking keys up and holds off new ones until the import commits —, for a transaction that would
 * otherwise gather more locks than PostgreSQL's lock table holds (an all-or-nothing import spans
 * every batch).
 */
export type DedupeLocking = 'keys' | 'table';

/** Most key locks a batch takes before it locks the table instead. */
const maxKeyLocks = 2000;

/**
 * Step 1, in file order before later batches plan: draws the records' ids, computes their dedupe
 * keys and locks them (rule order, then key, as every writer does, so writers never deadlock).
 */
export async function lockDedupeKeys(
  conn: postgres.Sql,
  context: TableContext,
  creates: readonly BatchRuleInput[],
  options: { readonly now: Date; readonly locking: DedupeLocking },
): Promise<RuledCreate[]> {
  const rules = rulesOf(context);
  const table = context.table.key;
  const ruled: RuledCreate[] = creates.map((c) => ({
    ...c,
    id: randomUUID(),
    lookups: dedupeKeysFor(rules, table, c.values, options.now),
    dedupe: { kind: 'unique' },
    assignment: null,
  }));
  const order = rules.forTable(table).dedupe.map((r) => r.key);
  const locks = [
    ...new Set(ruled.flatMap((c) => c.lookups.map((l) => JSON.stringify([l.rule, l.key])))),
  ]
    .map((pair) => JSON.parse(pair) as [string, string])
    .sort(([ra, ka], [rb, kb]) => order.indexOf(ra) - order.indexOf(rb) || (ka < kb ? -1 : 1));
  if (locks.length === 0) return ruled;
  if (options.locking === 'table' || locks.length > maxKeyLocks) {
    await conn.unsafe('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
      dedupeTableLockKey(context),
    ]);
  } else {
    await takeDedupeLocks(
      kyselyOn(conn),
      context,
      locks.map(([rule, key]) => ({ rule, key })),
    );
  }
  return ruled;
}

/**
 * Step 2, under the locks: dedupe against live records and earlier rows of the file (blocked rows
 * are refused; returning and flagged rows are prepared again with the outcome), then assignment
 * under row locks on every candidate rep, rows in file order, each seeing the counts the earlier
 * ones changed. Returns the rows to insert and the refused rows' issues.
 */
export async function decideBatch(
  conn: postgres.Sql,
  db: Db,
  context: TableContext,
  ruled: readonly RuledCreate[],
  now: Date,
): Promise<{ creates: RuledCreate[]; issues: RowIssue[]; refused: Map<number, FieldIssue[]> }> {
  const rules = rulesOf(context);
  const table = context.table.key;
  const matches = await findOriginals(conn, context, ruled);
  const issues: RowIssue[] = [];
  const refused = new Map<number, FieldIssue[]>();
  const creates: RuledCreate[] = [];
  // (rule, key) → the record an earlier row of the batch registered it for.
  const registered = new Map<string, string>();
  const inBatch = new Map<string, RuledCreate>();
  for (const c of ruled) {
    const found = c.lookups.map((l) => {
      const pair = JSON.stringify([l.rule, l.key]);
      const match: DedupeMatch | null =
        matches.get(pair) ??
        (registered.has(pair) ? { id: registered.get(pair)!, owner: null } : null);
      return { rule: l.rule, match };
    });
    const dedupe = resolveDedupe(rules, table, found);
    if (dedupe.kind === 'blocked') {
      issues.push({
        row: c.row,
        column: null,
        field: null,
        code: 'DUPLICATE_BLOCKED',
        message: dedupe.message,
      });
      continue;
    }
    if (dedupe.kind !== 'unique') {
      // The rules run again with the outcome: link field, tags, the original's owner.
      const original = inBatch.get(dedupe.original);
      const owner = original ? ((original.values.owner as string | null) ?? null) : dedupe.owner;
      const outcome = { ...dedupe, owner };
      const again = prepareCreate(context, c.input, now, outcome);
      if (!again.ok) {
        refused.set(c.row, again.issues);
        continue;
      }
      c.dedupe = outcome;
      c.values = again.values;
    }
    const self = c.dedupe.kind === 'unique' ? c.id : c.dedupe.original;
    for (const l of c.lookups) {
      const pair = JSON.stringify([l.rule, l.key]);
      if (!registered.has(pair)) registered.set(pair, self);
    }
    inBatch.set(c.id, c);
    creates.push(c);
  }
  // Originals of this batch get their owners below, before any later row reads them: assignment
  // walks the rows in file order too.
  await assignBatch(db, context, creates, inBatch, now, refused);
  return { creates: creates.filter((c) => !refused.has(c.row)), issues, refused };
}

/** The earliest live record registered for each (rule, key) of the batch within its window. */
async function findOriginals(
  conn: postgres.Sql,
  context: TableContext,
  ruled: readonly RuledCreate[],
): Promise<Map<string, DedupeMatch>> {
  const lookups = new Map<string, DedupeLookup>();
  for (const c of ruled) for (const l of c.lookups) lookups.set(JSON.stringify([l.rule, l.key]), l);
  if (lookups.size === 0) return new Map();
  const all = [...lookups.values()];
  const rows = await conn.unsafe<Array<{ n: string; id: string; owner: string | null }>>(
    `select u.n, m.id, m.owner
     from unnest($1::text[], $2::text[], $3::timestamptz[]) with ordinality u(rule_key, key, since, n)
     cross join lateral (
       select r.id, r.owner from platform.dedupe_keys k
       join ${context.ref} r on r.id = k.record_id and r.deleted_at is null
       where k.space_id = $4 and k.table_key = $5 and k.rule_key = u.rule_key and k.key = u.key
         and k.created_at >= u.since
       order by k.created_at limit 1) m`,
    [
      all.map((l) => l.rule),
      all.map((l) => l.key),
      all.map((l) => l.since),
      context.space.id,
      context.table.key,
    ],
  );
  const found = new Map<string, DedupeMatch>();
  for (const r of rows) {
    const l = all[Number(r.n) - 1]!;
    found.set(JSON.stringify([l.rule, l.key]), { id: String(r.id), owner: r.owner ?? null });
  }
  return found;
}

async function assignBatch(
  db: Db,
  context: TableContext,
  creates: RuledCreate[],
  inBatch: ReadonlyMap<string, RuledCreate>,
  now: Date,
  refused: Map<number, FieldIssue[]>,
): Promise<void> {
  const rule = rulesOf(context).forTable(context.table.key).assignment[0];
  const ownerOf = (c: RuledCreate) => (c.values.owner as string | null | undefined) ?? null;
  const wanting = (c: RuledCreate) => !ownerOf(c) && c.dedupe.kind !== 'returning';
  // A returning row whose original is in this batch and had no owner yet takes the one it gets.
  const follow = (c: RuledCreate) => {
    if (c.dedupe.kind !== 'returning' || ownerOf(c)) return;
    const owner = ownerOf(inBatch.get(c.dedupe.original) ?? c);
    if (owner) setOwner(context, c, owner, now, refused);
  };
  if (!rule || !creates.some(wanting)) {
    creates.forEach(follow);
    return;
  }
  // As runPipeline: look without locks for who could take any of the rows, lock those people in id
  // order, then count. Counts read after the lock see every commit it waited for.
  // Counts of 0 in the first look: nobody is left out for capacity, so the lock covers everyone
  // the counted choice could pick.
  const everyone = await firstLookCandidates(db, context, rule);
  const contenders = new Set<string>();
  for (const c of creates) {
    if (contenders.size === everyone.length) break;
    if (!wanting(c)) continue;
    for (const entry of rule.entries) {
      const alone = chooseAssignee({ ...rule, entries: [entry] }, c.values, everyone, now);
      for (const t of alone.trace) for (const id of t.eligible) contenders.add(id);
    }
  }
  const locked = await loadAssignmentCandidates(db, context, rule, {
    lock: true,
    only: [...contenders],
  });
  const candidates = new Map<string, AssignmentCandidate>(locked.map((u) => [u.id, u]));
  const closed = new Set(rule.rule.entries.find((e) => e.capacity)?.capacity?.closedStages ?? []);
  const counts = (c: RuledCreate) => {
    const user = candidates.get(ownerOf(c) ?? '');
    const stage = c.values.stage;
    if (!user || (typeof stage === 'string' && closed.has(stage))) return;
    candidates.set(user.id, { ...user, openCount: user.openCount + 1 });
  };
  for (const c of creates) {
    follow(c);
    if (wanting(c)) {
      const decision = chooseAssignee(rule, c.values, [...candidates.values()], now);
      c.assignment = decision;
      if (decision.kind === 'user') {
        const user = candidates.get(decision.userId)!;
        candidates.set(user.id, {
          ...user,
          lastAssignedAt: decision.assignedAt,
          assignedCount: (user.assignedCount ?? 0) + 1,
        });
        setOwner(context, c, decision.userId, now, refused);
      }
    }
    if (!refused.has(c.row)) counts(c);
  }
}

function setOwner(
  context: TableContext,
  c: RuledCreate,
  owner: string,
  now: Date,
  refused: Map<number, FieldIssue[]>,
): void {
  // Computed values and CEL validations see the owner, as they do after a single create's assignment.
  const finished = finishCreate(context, { ...c.values, owner }, now);
  if (finished.ok) c.values = finished.values;
  else refused.set(c.row, finished.issues);
}

/**
 * Step 3, after the insert: the dedupe keys of the stored rows (a returning or flagged row renews
 * its original's), the rotation state of every rep the batch assigned to, and the outbox entries:
 * flows started on create, threshold actions, returning-lead and pool notices.
 */
export async function afterBatchInsert(
  conn: postgres.Sql,
  context: TableContext,
  stored: readonly RuledCreate[],
  now: Date,
): Promise<void> {
  if (stored.length === 0) return;
  const keys = stored.flatMap((c) =>
    c.lookups.map((l) => ({
      rule: l.rule,
      key: l.key,
      record:
        c.dedupe.kind === 'returning' || c.dedupe.kind === 'flagged' ? c.dedupe.original : c.id,
    })),
  );
  if (keys.length > 0) {
    // clock_timestamp() in row order: the earliest key of a batch is the first row's, as if the
    // rows had been created one by one.
    await conn.unsafe(
      `insert into platform.dedupe_keys (space_id, table_key, rule_key, key, record_id, created_at)
       select $1, $2, u.rule_key, u.key, u.record_id, clock_timestamp()
       from unnest($3::text[], $4::text[], $5::uuid[]) with ordinality u(rule_key, key, record_id, n)
       order by n`,
      [
        context.space.id,
        context.table.key,
        keys.map((k) => k.rule),
        keys.map((k) => k.key),
        keys.map((k) => k.record),
      ],
    );
  }
  const rotation = new Map<string, { rule: string; at: string; count: number }>();
  for (const c of stored) {
    if (c.assignment?.kind !== 'user') continue;
    const { rule, userId, assignedAt } = c.assignment;
    const entry = rotation.get(`${rule}\u0000${userId}`);
    rotation.set(`${rule}\u0000${userId}`, {
      rule,
      at: entry && entry.at > assignedAt ? entry.at : assignedAt,
      count: (entry?.count ?? 0) + 1,
    });
  }
  if (rotation.size > 0) {
    const entries = [...rotation].map(([k, v]) => ({ user: k.split('\u0000')[1]!, ...v }));
    await conn.unsafe(
      `insert into platform.assignment_state (space_id, rule_key, user_id, last_assigned_at, assigned_count)
       select $1, u.rule_key, u.user_id, u.at, u.n
       from unnest($2::text[], $3::uuid[], $4::timestamptz[], $5::int[]) u(rule_key, user_id, at, n)
       on conflict (space_id, rule_key, user_id) do update set
         last_assigned_at = excluded.last_assigned_at,
         assigned_count = platform.assignment_state.assigned_count + excluded.assigned_count`,
      [
        context.space.id,
        entries.map((e) => e.rule),
        entries.map((e) => e.user),
        entries.map((e) => e.at),
        entries.map((e) => e.count),
      ],
    );
  }
  await enqueueBatchOutbox(conn, context, stored, now);
}

async function enqueueBatchOutbox(
  conn: postgres.Sql,
  context: TableContext,
  stored: readonly RuledCreate[],
  now: Date,
): Promise<void> {
  const messagesOf = (c: RuledCreate, record: RecordJson) => [
    ...flowEventMessages(context, null, record, now),
    ...ruleActionMessages(context, record, {
      dedupe: c.dedupe,
      firings: c.firings ?? [],
      assignment: c.assignment,
    }),
  ];
  const flows = flowEventMessages(context, null, { id: randomUUID() }, now).length > 0;
  const needs = stored.filter(
    (c) =>
      flows ||
      (c.firings?.length ?? 0) > 0 ||
      ((c.dedupe.kind === 'returning' || c.dedupe.kind === 'flagged') && c.dedupe.notify) ||
      (c.assignment?.kind === 'pool' && c.assignment.notify),
  );
  if (needs.length === 0) return;
  // The entries carry the stored record (ids, numbers, timestamps as the database has them).
  const rows = await conn.unsafe<Array<Record<string, unknown>>>(
    `select * from ${context.ref} where id = any($1::uuid[])`,
    [needs.map((c) => c.id)],
  );
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  const messages: OutboxMessage[] = [];
  for (const c of needs) {
    const row = byId.get(c.id);
    if (row) messages.push(...messagesOf(c, rowToRecord(row, context.table.fields)));
  }
  await enqueueOutboxBatch(conn, messages);
}

/**
 * After an import's updates: the outbox entries updateRecord writes — record.updated for the
 * table's flows (a start where the trigger's condition holds, a signal to running executions
 * otherwise) and the actions of thresholds the update crossed — read back as stored (new version).
 */
export async function afterBatchUpdate(
  conn: postgres.Sql,
  context: TableContext,
  updates: readonly PlannedUpdate[],
  now: Date,
): Promise<void> {
  const flows = (context.definition.flows ?? []).some((f) => f.table === context.table.key);
  const needs = flows ? updates : updates.filter((u) => (u.firings?.length ?? 0) > 0);
  if (needs.length === 0) return;
  const rows = await conn.unsafe<Array<Record<string, unknown>>>(
    `select * from ${context.ref} where id = any($1::uuid[])`,
    [needs.map((u) => u.id)],
  );
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  const messages: OutboxMessage[] = [];
  for (const u of needs) {
    const row = byId.get(u.id);
    if (!row) continue;
    const after = rowToRecord(row, context.table.fields);
    messages.push(
      ...flowEventMessages(context, u.before, after, now),
      ...ruleActionMessages(context, after, {
        dedupe: { kind: 'unique' },
        firings: u.firings ?? [],
        assignment: null,
      }),
    );
  }
  await enqueueOutboxBatch(conn, messages);
}
