// Random bearer secrets (session cookies, API tokens, CSRF tokens) and the hash stored for them.
import { createHash, randomBytes } from 'node:crypto';

/**
 * A new 256-bit secret, base64url, with an optional readable prefix (`bt_` for API tokens).
 * @example newSecret('bt_') // 'bt_q3J…' (46 characters)
 */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * What the database keeps of a secret: SHA-256. The secrets carry 256 random bits, so a fast hash
 * is enough (no dictionary to attack); lookups stay one index probe.
 */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
