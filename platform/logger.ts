// Structured JSON logs, one object per line; secrets are never passed in, and values under keys
// that name one (authorization, cookie, password, secret, token…) are redacted should one slip in.
import type { LogLevelName } from './config';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const rank: Record<LogLevelName, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Creates a logger writing JSON lines to the given sink (stderr by default).
 * @example createLogger('info').child({ component: 'relay' }).info('delivered', { seq: 4 })
 */
export function createLogger(
  level: LogLevelName,
  base: Record<string, unknown> = {},
  sink: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  const log = (at: LogLevelName, msg: string, fields?: Record<string, unknown>) => {
    if (rank[at] < rank[level]) return;
    const entry = { time: new Date().toISOString(), level: at, msg, ...base, ...fields };
    sink(JSON.stringify(entry, replacer));
  };
  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, sink),
  };
}

/** Keys whose values are never written: credentials, cookies, secrets, tokens, passwords. */
export const secretKey =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-csrf-token)$|password|passwd|secret|token|api[-_]?key|credential|private[-_]?key|signature/i;

function replacer(key: string, value: unknown): unknown {
  if (key !== '' && secretKey.test(key) && value !== null && value !== undefined) {
    return '[redacted]';
  }
  if (value instanceof Error)
    return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
