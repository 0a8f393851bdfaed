// One intake delivery: verify the signature, answer a retry from the stored answer, otherwise map
// the payload and create the lead through the record pipeline, storing the answer in the same
// transaction as the record.
import type { Db } from '../db/database';
import { jsonParam, type Tx } from '../records/record-repository';
import { createRecordDetailed } from '../records/record-service';
import type { RecordJson } from '../records/record-values';
import type { RuleOutcome } from '../records/rule-pipeline';
import type { CompiledIntakeSource } from '../../runtime/intake/compile-intake';
import {
  IdempotencyKeyRequiredError,
  IntakeMappingError,
  IntakeSignatureError,
  SignatureReplayedError,
} from './intake-errors';
import { parsePayload } from './intake-payload';
import { validIntakeSecrets } from './intake-secrets';
import { verifyDelivery } from './intake-signature';
import { resolveIntakeSource } from './intake-source';
import { joinTransaction } from './joined-transaction';

export interface IntakeDelivery {
  readonly space: string;
  readonly source: string;
  readonly body: Uint8Array;
  readonly contentType: string | undefined;
  /** Request headers by lower-case name. */
  readonly header: (name: string) => string | undefined;
}

/** What the sender learns about the lead it delivered. */
export interface IntakeAnswer {
  readonly recordId: string;
  readonly dedupe: 'unique' | 'returning' | 'flagged';
  /** The earlier lead a returning or flagged one matched. */
  readonly original?: string;
  readonly tags: readonly string[];
  /** The first scorecard's score and band; null when the table has none. */
  readonly score: number | null;
  readonly band: string | null;
  readonly scores: RuleOutcome['scores'];
  readonly owner: string | null;
  readonly stage: string | null;
  /** The pool the lead went to when no rep could take it. */
  readonly pool?: string;
}

export interface IntakeResult {
  readonly status: number;
  readonly body: unknown;
  /** True when this is a retry answered from the first delivery's stored answer. */
  readonly replay: boolean;
}

const idempotencyKey = /^[\x21-\x7e]{1,200}$/;

/**
 * Handles a delivery. Refusals throw BatonErrors (401 signature or replay window, 400 key, payload
 * or mapping, 404 source, the record pipeline's own 400/409) and store nothing, so a corrected
 * retry with the same key is processed. Two deliveries with one key create one record: the first
 * claims the key in its transaction (the claim, the record and the stored answer commit together)
 * and the second waits on that claim, then replays the stored answer.
 * @example const { status, body, replay } = await deliverIntake(db, { space: 'meddev', source: 'web_form', body, contentType, header })
 */
export async function deliverIntake(db: Db, delivery: IntakeDelivery): Promise<IntakeResult> {
  const now = new Date();
  const { context, source } = await resolveIntakeSource(db, delivery.space, delivery.source);
  await verify(db, context.space.id, source, delivery, now);
  const key = delivery.header('idempotency-key')?.trim();
  if (!key) {
    throw new IdempotencyKeyRequiredError(
      'send an Idempotency-Key header (unique per lead, the same on every retry)',
    );
  }
  if (!idempotencyKey.test(key)) {
    throw new IdempotencyKeyRequiredError(
      'Idempotency-Key must be 1 to 200 visible ASCII characters',
    );
  }
  const where = { space_id: context.space.id, source: source.source.key, idempotency_key: key };
  // Within the replay window a signature names one delivery: seen under another key, it is a
  // captured request sent again (a unique index decides, even between concurrent requests).
  const signature = source.source.signature.timestampHeader
    ? signatureOf(delivery.header(source.source.signature.header))
    : null;

  return db.transaction().execute(async (tx) => {
    // Claim the key first: a concurrent delivery with the same key waits here for our commit.
    const claimed = await tx
      .insertInto('platform.intake_deliveries')
      .values({ ...where, status: 0, response: jsonParam({}), signature })
      .onConflict((oc) => oc.columns(['space_id', 'source', 'idempotency_key']).doNothing())
      .returning('status')
      .executeTakeFirst()
      .catch((error: unknown) => {
        if (isSignatureConflict(error)) throw new SignatureReplayedError();
        throw error;
      });
    if (!claimed) return (await storedAnswer(tx, where))!;
    const mapped = source.map(parsePayload(delivery.body, delivery.contentType), now);
    if (!mapped.ok) throw new IntakeMappingError(mapped.issues);
    const { record, outcome } = await createRecordDetailed(
      joinTransaction(tx),
      context,
      mapped.values,
      { actor: null, source: 'intake', now },
    );
    // The answer is what jsonb gives back, so the first answer and every replay are byte-identical.
    const row = await tx
      .updateTable('platform.intake_deliveries')
      .set({ status: 201, response: jsonParam(answerOf(record, outcome)) })
      .where('space_id', '=', where.space_id)
      .where('source', '=', where.source)
      .where('idempotency_key', '=', key)
      .returning('response')
      .executeTakeFirstOrThrow();
    return { status: 201, body: row.response, replay: false };
  });
}

function signatureOf(header: string | undefined): string | null {
  const hex = header
    ?.trim()
    .replace(/^sha256=/, '')
    .toLowerCase();
  return hex ? hex : null;
}

function isSignatureConflict(error: unknown): boolean {
  const e = error as { code?: unknown; constraint_name?: unknown; constraint?: unknown };
  return (
    e?.code === '23505' &&
    (e.constraint_name === 'intake_deliveries_signature' ||
      e.constraint === 'intake_deliveries_signature')
  );
}

/** Checks the signature with the cached secrets, and once more with fresh ones if that fails. */
async function verify(
  db: Db,
  spaceId: string,
  source: CompiledIntakeSource,
  delivery: IntakeDelivery,
  now: Date,
): Promise<void> {
  const { signature } = source.source;
  const check = (secrets: readonly string[]) =>
    verifyDelivery(
      {
        body: delivery.body,
        signature: delivery.header(signature.header),
        timestamp: signature.timestampHeader && delivery.header(signature.timestampHeader),
      },
      secrets,
      {
        signatureHeader: signature.header,
        timestampHeader: signature.timestampHeader ?? null,
        toleranceSeconds: source.toleranceSeconds,
      },
      now,
    );
  try {
    check(await validIntakeSecrets(db, spaceId, source.secretName, now));
  } catch (error) {
    const stale =
      error instanceof IntakeSignatureError &&
      (error.code === 'SIGNATURE_MISMATCH' || error.code === 'INTAKE_SECRET_NOT_SET');
    if (!stale) throw error;
    check(await validIntakeSecrets(db, spaceId, source.secretName, now, { fresh: true }));
  }
}

async function storedAnswer(
  db: Db | Tx,
  where: { space_id: string; source: string; idempotency_key: string },
): Promise<IntakeResult | null> {
  const row = await db
    .selectFrom('platform.intake_deliveries')
    .select(['status', 'response'])
    .where('space_id', '=', where.space_id)
    .where('source', '=', where.source)
    .where('idempotency_key', '=', where.idempotency_key)
    .executeTakeFirst();
  return row ? { status: row.status, body: row.response, replay: true } : null;
}

function answerOf(record: RecordJson, outcome: RuleOutcome): IntakeAnswer {
  const dedupe = outcome.dedupe;
  const first = outcome.scores[0];
  const assignment = outcome.assignment;
  return {
    recordId: String(record.id),
    dedupe: dedupe.kind === 'returning' || dedupe.kind === 'flagged' ? dedupe.kind : 'unique',
    ...(dedupe.kind === 'returning' || dedupe.kind === 'flagged'
      ? { original: dedupe.original }
      : {}),
    tags: outcome.tags,
    score: first?.score ?? null,
    band: first?.band ?? null,
    scores: outcome.scores,
    owner: outcome.owner,
    stage: typeof record.stage === 'string' ? record.stage : null,
    ...(assignment?.kind === 'pool' ? { pool: assignment.pool } : {}),
  };
}
