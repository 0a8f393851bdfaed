// "Send test delivery" from the designer: signs a sample payload with the source's current secret
// and runs it through the same path a sender's delivery takes, so the admin sees what the pipeline
// did (record, dedupe, tags, score, owner). The lead it creates is real.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import { BatonError } from '../errors';
import { validIntakeSecrets } from './intake-secrets';
import { deliverIntake, type IntakeAnswer } from './intake-service';
import { signDelivery } from './intake-signature';
import { resolveIntakeSource } from './intake-source';

export interface TestDeliveryResult {
  /** The record values the source's mapping made of the payload. */
  readonly mapped: Readonly<Record<string, unknown>>;
  readonly answer: IntakeAnswer;
}

/**
 * Delivers `payload` to a published source as a signed sender would.
 * @example await sendTestDelivery(db, 'meddev', 'web_form', { mobile: '13800138000' })
 */
export async function sendTestDelivery(
  db: Db,
  space: string,
  sourceKey: string,
  payload: Readonly<Record<string, unknown>>,
): Promise<TestDeliveryResult> {
  const { context, source } = await resolveIntakeSource(db, space, sourceKey);
  const now = new Date();
  const [secret] = await validIntakeSecrets(db, context.space.id, source.secretName, now, {
    fresh: true,
  });
  if (secret === undefined) {
    throw new BatonError(
      'INTAKE_NO_SECRET',
      409,
      `source "${sourceKey}" has no secret yet: rotate it first / 来源「${sourceKey}」还没有密钥，请先生成`,
    );
  }
  const mapped = source.map(payload, now);
  const body = JSON.stringify(payload);
  const signature = source.source.signature;
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const headers: Record<string, string> = {
    [signature.header]: signDelivery(
      secret,
      body,
      signature.timestampHeader ? timestamp : undefined,
    ),
    'idempotency-key': `designer-test-${randomUUID()}`,
  };
  if (signature.timestampHeader) headers[signature.timestampHeader] = timestamp;
  const result = await deliverIntake(db, {
    space,
    source: sourceKey,
    body: new TextEncoder().encode(body),
    contentType: 'application/json',
    header: (name) => headers[name.toLowerCase()],
  });
  return { mapped: mapped.ok ? mapped.values : {}, answer: result.body as IntakeAnswer };
}
