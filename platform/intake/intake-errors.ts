// Why an intake delivery was refused, each with a stable code the sender can act on.
import type { MappingIssue } from '../../runtime/intake/compile-intake';
import { BatonError } from '../errors';

export type SignatureFailure =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_MALFORMED'
  | 'SIGNATURE_MISMATCH'
  | 'TIMESTAMP_MISSING'
  | 'TIMESTAMP_MALFORMED'
  | 'TIMESTAMP_OUT_OF_WINDOW'
  | 'INTAKE_SECRET_NOT_SET';

/** 401: the delivery is not provably from the source's sender (or is a replay). */
export class IntakeSignatureError extends BatonError {
  constructor(code: SignatureFailure, message: string, details?: unknown) {
    super(code, 401, message, details);
  }
}

/**
 * 409: this exact signed request was already delivered under another Idempotency-Key within the
 * replay window: someone is replaying a captured request. A sender retrying re-signs (new
 * timestamp) or keeps its key.
 */
export class SignatureReplayedError extends BatonError {
  constructor() {
    super(
      'SIGNATURE_REPLAYED',
      409,
      'this signature was already used by another delivery; sign each delivery afresh (a new timestamp) and keep the Idempotency-Key on retries / 签名已被使用（疑似重放），请重新签名',
    );
  }
}

/** 400: deliveries must carry an Idempotency-Key, so a retry can never create a second lead. */
export class IdempotencyKeyRequiredError extends BatonError {
  constructor(reason: string) {
    super('IDEMPOTENCY_KEY_REQUIRED', 400, reason);
  }
}

/** 400: the body is not a JSON object (or a form) Baton can map. */
export class PayloadInvalidError extends BatonError {
  constructor(reason: string) {
    super('PAYLOAD_INVALID', 400, reason);
  }
}

/** 400: one or more mappings failed on this payload; every failing field is named. */
export class IntakeMappingError extends BatonError {
  constructor(readonly issues: readonly MappingIssue[]) {
    super('INTAKE_MAPPING_FAILED', 400, issues.map((i) => i.message.en).join('; '), {
      issues: issues.map((i) => ({ ...i, pointer: `/${i.field}` })),
    });
  }
}
