// Password hashing with argon2id, the length rules, and generated passwords for the first admin.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { BatonError } from '../errors';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (algorithm 2 = Argon2id; the enum is const). */
const options = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const minPasswordLength = 10;
export const maxPasswordLength = 256;

/** A password that breaks the length rules. */
export class WeakPasswordError extends BatonError {
  constructor() {
    super(
      'PASSWORD_INVALID',
      400,
      `a password needs ${minPasswordLength} to ${maxPasswordLength} characters / 密码长度须为 ${minPasswordLength}–${maxPasswordLength} 个字符`,
    );
  }
}

/**
 * The argon2id PHC string of a password that passes the rules.
 * @example await hashPassword('correct horse battery') // '$argon2id$v=19$m=19456,t=2,p=1$…'
 */
export async function hashPassword(password: string): Promise<string> {
  if ([...password].length < minPasswordLength || password.length > maxPasswordLength) {
    throw new WeakPasswordError();
  }
  return hash(password, options);
}

/** A hash of nothing, verified when the account does not exist so timing tells nothing. */
let decoy: Promise<string> | undefined;

/** True when `password` matches `stored`; with no stored hash it spends the same time and fails. */
export async function verifyPassword(
  stored: string | undefined,
  password: string,
): Promise<boolean> {
  if (password.length > maxPasswordLength) return false;
  if (stored === undefined) {
    decoy ??= hash(newPassword(), options);
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

/** A generated password: 20 characters, about 119 bits, no look-alike characters. */
export function newPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(40);
  let out = '';
  for (const b of bytes) {
    if (b >= 224) continue; // 224 = 4 × 56: keeps the choice uniform
    out += alphabet[b % alphabet.length];
    if (out.length === 20) break;
  }
  return out.length === 20 ? out : newPassword();
}
