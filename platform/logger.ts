// Structured JSON logs, one object per line; secrets are never passed in.
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
    sink(JSON.stringify(entry, errorReplacer));
  };
  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, sink),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error)
    return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
