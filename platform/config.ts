// Process configuration, read once from the environment (see the README's configuration table).
import path from 'node:path';
import type { AuthOptions } from './auth/auth-options';

export type ProcessRole = 'all' | 'api' | 'worker';

export interface BatonConfig {
  readonly role: ProcessRole;
  readonly host: string;
  readonly port: number;
  /** Local folder for embedded PostgreSQL data, the Temporal dev server database and logs. */
  readonly home: string;
  /** External PostgreSQL; when absent an embedded server is started under `home`. */
  readonly databaseUrl: string | undefined;
  readonly embeddedPostgresPort: number;
  /** External Temporal frontend; when absent a dev server is started under `home`. */
  readonly temporalAddress: string | undefined;
  readonly temporalNamespace: string;
  readonly temporalTaskQueue: string;
  readonly temporalDevPort: number;
  /** 0 disables the Temporal Web UI of the dev server. */
  readonly temporalUiPort: number;
  readonly logLevel: LogLevelName;
  readonly designerDist: string;
  /** Content-addressed attachment blobs. */
  readonly filesDir: string;
  readonly maxUploadBytes: number;
  /** First platform admin on an empty database; without them a password is generated and printed. */
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  readonly auth: AuthOptions;
  /** A starter pack installed at start-up (`--template` / BATON_TEMPLATE), with demo data if asked. */
  readonly template: StartupTemplate | undefined;
}

export interface StartupTemplate {
  /** Pack key, e.g. `medical-device`. */
  readonly key: string;
  /** Space to install into; the pack key with `_` for `-` by default. */
  readonly space: string;
  /** Fill the space with demo leads (`--demo` / BATON_DEMO). */
  readonly demo: boolean;
}

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

/** Thrown when an environment variable holds a value Baton cannot use. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

const roles: readonly ProcessRole[] = ['all', 'api', 'worker'];
const levels: readonly LogLevelName[] = ['debug', 'info', 'warn', 'error'];

/**
 * Builds the configuration from an environment map and command-line arguments.
 * @example loadConfig(process.env, ['--role', 'worker'])
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[] = [],
): BatonConfig {
  const root = path.resolve(import.meta.dirname, '..');
  const roleArg = argValue(argv, '--role') ?? env.BATON_ROLE ?? 'all';
  if (!roles.includes(roleArg as ProcessRole)) {
    throw new ConfigError(`BATON_ROLE/--role must be one of ${roles.join(', ')}, got "${roleArg}"`);
  }
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!levels.includes(logLevel as LogLevelName)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${levels.join(', ')}, got "${logLevel}"`);
  }
  return {
    role: roleArg as ProcessRole,
    host: env.HOST ?? '127.0.0.1',
    port: portFrom(env, 'PORT', 3000),
    home: path.resolve(root, env.BATON_HOME ?? '.baton'),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    embeddedPostgresPort: portFrom(env, 'BATON_PG_PORT', 54329),
    temporalAddress: nonEmpty(env.TEMPORAL_ADDRESS),
    temporalNamespace: nonEmpty(env.TEMPORAL_NAMESPACE) ?? 'default',
    temporalTaskQueue: nonEmpty(env.TEMPORAL_TASK_QUEUE) ?? 'baton',
    temporalDevPort: portFrom(env, 'TEMPORAL_DEV_PORT', 7233),
    temporalUiPort: portFrom(env, 'TEMPORAL_UI_PORT', 8233, true),
    logLevel: logLevel as LogLevelName,
    designerDist: path.resolve(root, env.BATON_DESIGNER_DIST ?? 'designer/dist'),
    filesDir: path.resolve(
      root,
      env.BATON_FILES_DIR ?? path.join(env.BATON_HOME ?? '.baton', 'files'),
    ),
    maxUploadBytes: positiveInt(env, 'BATON_MAX_UPLOAD_BYTES', 25 * 1024 * 1024),
    adminEmail: nonEmpty(env.BATON_ADMIN_EMAIL),
    adminPassword: env.BATON_ADMIN_PASSWORD === '' ? undefined : env.BATON_ADMIN_PASSWORD,
    template: startupTemplate(env, argv),
    auth: {
      cookieSecure: cookieSecure(env.BATON_COOKIE_SECURE),
      sessionTtlMs: positiveInt(env, 'BATON_SESSION_HOURS', 12) * 3600_000,
      trustProxy: flag(env, 'BATON_TRUST_PROXY'),
      loginLimit: { limit: positiveInt(env, 'BATON_LOGIN_RATE', 10), windowMs: 60_000 },
      intakeLimit: { limit: positiveInt(env, 'BATON_INTAKE_RATE', 60_000), windowMs: 60_000 },
    },
  };
}

function startupTemplate(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
): StartupTemplate | undefined {
  const key = argValue(argv, '--template') ?? nonEmpty(env.BATON_TEMPLATE);
  const demo = argv.includes('--demo') || flag(env, 'BATON_DEMO');
  if (key === undefined) {
    if (demo)
      throw new ConfigError('--demo/BATON_DEMO needs a template: --template medical-device');
    return undefined;
  }
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(key))
    throw new ConfigError(`BATON_TEMPLATE/--template must be a template key, got "${key}"`);
  const space =
    argValue(argv, '--space') ?? nonEmpty(env.BATON_TEMPLATE_SPACE) ?? key.replaceAll('-', '_');
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(space))
    throw new ConfigError(`BATON_TEMPLATE_SPACE/--space must be a space key, got "${space}"`);
  return { key, space, demo };
}

function cookieSecure(raw: string | undefined): 'auto' | boolean {
  const value = nonEmpty(raw)?.toLowerCase() ?? 'auto';
  if (value === 'auto') return 'auto';
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(`BATON_COOKIE_SECURE must be auto, true or false, got "${raw}"`);
}

function flag(env: Readonly<Record<string, string | undefined>>, name: string): boolean {
  const value = nonEmpty(env[name])?.toLowerCase();
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function argValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  const inline = argv.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function positiveInt(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`${name} must be a positive whole number, got "${raw}"`);
  }
  return value;
}

function portFrom(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
  allowZero = false,
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new ConfigError(`${name} must be a port number, got "${raw}"`);
  }
  return port;
}
