// Intake sources: where leads arrive from (web form, WeCom, Douyin, SMS, trade-show QR, any API),
// how a delivery's payload becomes record values, and how deliveries are signed.
import { z } from 'zod';
import { keySchema, localizedTextSchema } from '../definition/field-schema';
import { celSourceSchema, tagSchema } from '../rules/rule-common-schema';

/** The channels Baton knows; `api` is any other system posting leads. */
export const intakeKinds = ['web_form', 'wecom', 'douyin', 'sms', 'offline_qr', 'api'] as const;

/** An HTTP header name as senders spell it; compared case-insensitively. */
const headerNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a lower-case header name such as x-baton-signature');

/**
 * How deliveries are signed: hex HMAC-SHA256 (optionally `sha256=`-prefixed) over
 * `${timestamp}.${body}` when a timestamp header is named, over the raw body otherwise.
 */
export const intakeSignatureSchema = z
  .object({
    header: headerNameSchema,
    algorithm: z.literal('hmac-sha256'),
    /** Header carrying the Unix time in seconds the sender signed at; enables the replay window. */
    timestampHeader: headerNameSchema.optional(),
    /** How far the signed time may be from the server's clock; default 300 s. */
    toleranceSeconds: z.number().int().min(1).max(86_400).optional(),
  })
  .strict();

/** Default replay window when a source names a timestamp header without a tolerance. */
export const defaultToleranceSeconds = 300;

/** A constant a source writes into every record it creates (`set: { source: 'douyin' }`). */
const constantSchema = z.union([
  z.string().max(10_000),
  z.number().finite(),
  z.boolean(),
  z.null(),
  z.array(z.string().max(1_000)).max(100),
]);

export const intakeSourceSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    kind: z.enum(intakeKinds),
    /** The table the leads land in. */
    table: keySchema,
    /** Field → CEL over `payload` (the delivery's body), e.g. `{ phone: 'payload.mobile' }`. */
    map: z.record(z.string(), celSourceSchema),
    /** Field → constant, applied before `map` (a mapped value wins). */
    set: z.record(z.string(), constantSchema).optional(),
    /** Tags every lead of this source gets, added to the table's tags field. */
    tags: z.array(tagSchema).max(50).optional(),
    /**
     * Name of the secret deliveries are signed with (default: the source key). The secret itself
     * never sits in the definition: it lives in the platform and is rotated through the API.
     */
    secretRef: keySchema.optional(),
    signature: intakeSignatureSchema,
    /**
     * The stage that is this source's 待清洗池 (to-be-cleaned pool); default: the table's first
     * stage. Only used when the table has stages and the delivery did not map a stage.
     */
    pool: keySchema.optional(),
  })
  .strict();

export type IntakeKind = (typeof intakeKinds)[number];
export type IntakeSignature = z.infer<typeof intakeSignatureSchema>;
export type IntakeSource = z.infer<typeof intakeSourceSchema>;
