// HMAC-SHA256 signatures of intake deliveries: how senders sign, and the constant-time check.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { IntakeSignatureError } from './intake-errors';

export interface SignedDelivery {
  /** The raw body exactly as received. */
  readonly body: Uint8Array;
  /** The signature header's value, when sent. */
  readonly signature: string | undefined;
  /** The timestamp header's value, when the source signs one. */
  readonly timestamp: string | undefined;
}

export interface SignatureRules {
  readonly signatureHeader: string;
  /** Null: the source signs the body alone and has no replay window. */
  readonly timestampHeader: string | null;
  readonly toleranceSeconds: number | null;
}

/**
 * The hex signature a sender puts in the signature header: HMAC-SHA256 keyed with the secret's
 * UTF-8 bytes over `${timestamp}.${body}`, or over the body when the source signs no timestamp.
 * @example signDelivery('bsk_…', '{"mobile":"13800138000"}', '1735689600') // 'a3f1…' (64 hex digits)
 */
export function signDelivery(
  secret: string,
  body: Uint8Array | string,
  timestamp?: string,
): string {
  const hmac = createHmac('sha256', secret);
  if (timestamp !== undefined) hmac.update(`${timestamp}.`);
  return hmac.update(body).digest('hex');
}

const hexSignature = /^(?:sha256=)?([0-9a-fA-F]{64})$/;
const unixSeconds = /^\d{1,12}$/;

/**
 * Throws IntakeSignatureError (401) unless the delivery is signed with one of `secrets` (the
 * current one and those still in their grace period) and, when the source signs a timestamp, was
 * signed within the replay window. Every secret is compared, in constant time.
 */
export function verifyDelivery(
  delivery: SignedDelivery,
  secrets: readonly string[],
  rules: SignatureRules,
  now: Date,
): void {
  if (secrets.length === 0) {
    throw new IntakeSignatureError(
      'INTAKE_SECRET_NOT_SET',
      'this source has no secret yet; create one with POST …/intake/{source}/secret',
    );
  }
  if (delivery.signature === undefined || delivery.signature.trim() === '') {
    throw new IntakeSignatureError(
      'SIGNATURE_MISSING',
      `missing ${rules.signatureHeader} header: sign the request with HMAC-SHA256`,
    );
  }
  const match = hexSignature.exec(delivery.signature.trim());
  if (!match) {
    throw new IntakeSignatureError(
      'SIGNATURE_MALFORMED',
      `${rules.signatureHeader} must be 64 hex digits (HMAC-SHA256), optionally prefixed with "sha256="`,
    );
  }
  let timestamp: string | undefined;
  if (rules.timestampHeader !== null) {
    timestamp = delivery.timestamp?.trim();
    if (!timestamp) {
      throw new IntakeSignatureError(
        'TIMESTAMP_MISSING',
        `missing ${rules.timestampHeader} header: send the Unix time in seconds you signed at`,
      );
    }
    if (!unixSeconds.test(timestamp)) {
      throw new IntakeSignatureError(
        'TIMESTAMP_MALFORMED',
        `${rules.timestampHeader} must be the Unix time in whole seconds`,
      );
    }
    const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp));
    const tolerance = rules.toleranceSeconds ?? 300;
    if (skew > tolerance) {
      throw new IntakeSignatureError(
        'TIMESTAMP_OUT_OF_WINDOW',
        `the request was signed ${skew} s away from the server's time; at most ${tolerance} s are accepted (replay window)`,
        { skewSeconds: skew, toleranceSeconds: tolerance },
      );
    }
  }
  const given = Buffer.from(match[1]!, 'hex');
  let valid = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signDelivery(secret, delivery.body, timestamp), 'hex');
    // No early exit: the time taken does not tell which secret (if any) matched.
    if (timingSafeEqual(expected, given)) valid = true;
  }
  if (!valid) {
    throw new IntakeSignatureError(
      'SIGNATURE_MISMATCH',
      timestamp === undefined
        ? `${rules.signatureHeader} does not match: expected hex HMAC-SHA256 of the raw body with the source's secret`
        : `${rules.signatureHeader} does not match: expected hex HMAC-SHA256 of "<timestamp>.<raw body>" with the source's secret`,
    );
  }
}
