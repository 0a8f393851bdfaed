// Static checks of the production container files: no Docker engine runs in CI, so docker-compose.yml
// and the Dockerfile are parsed and compared with the repository they are meant to run.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../platform/config';
import { searchAttributes } from '../../platform/services/temporal-dev-server';

const root = path.resolve(import.meta.dirname, '../..');

interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  container_name?: string;
  ports?: unknown[];
  healthcheck?: Healthcheck;
  volumes?: unknown[];
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const composeText = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText) as ComposeFile;
const services = compose.services;

/** Resolves `${NAME:-default}` / `${NAME-default}` to the default and `${NAME}` to '', like an unset variable. */
function withDefaults(value: string): string {
  return value
    .replace(/\$\{[A-Z0-9_]+:?-([^}]*)\}/g, '$1')
    .replace(/\$\{[A-Z0-9_]+\}/g, '')
    .replace(/\$\$/g, '$');
}

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function environmentOf(svc: Service): Record<string, string> {
  const env = svc.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((line) => {
        const i = line.indexOf('=');
        return i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)];
      })
    : Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]);
  return Object.fromEntries(entries.map(([k, v]) => [k, withDefaults(v ?? '')]));
}

function argsOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : value.trim().split(/\s+/);
}

/** Arguments that name a file or folder of the repository (relative paths with an extension or a slash). */
function repoPathsIn(args: readonly string[]): string[] {
  return args.filter(
    (a) =>
      !a.startsWith('-') &&
      !a.includes('=') &&
      !a.includes('://') &&
      !path.isAbsolute(a) &&
      (/\.(ts|js|mjs|cjs|json)$/.test(a) || a.includes('/')),
  );
}

function dependsOn(svc: Service): Record<string, string | undefined> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v.condition]));
}

function scriptOf(svc: Service): string {
  return withDefaults([...argsOf(svc.entrypoint), ...argsOf(svc.command)].join('\n'));
}

interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function dockerfileInstructions(text: string): DockerInstruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  if (current !== '') logical.push(current);
  return logical.map((l) => {
    const [keyword = '', ...rest] = l.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

const dockerfilePath = path.join(root, 'Dockerfile');
const dockerfile = existsSync(dockerfilePath)
  ? dockerfileInstructions(readFileSync(dockerfilePath, 'utf8'))
  : [];

/** Whether a .dockerignore pattern excludes a file, directly or through one of its folders. */
function dockerignoreExcludes(pattern: string, file: string): boolean {
  const source = pattern
    .replace(/^\/|\/$/g, '')
    .split('**/')
    .map((part) =>
      part
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]'),
    )
    .join('(?:.*/)?');
  const regex = new RegExp(`^${source}$`);
  const segments = file.split('/');
  return segments.some((_, i) => regex.test(segments.slice(0, i + 1).join('/')));
}

function jsonArgs(instruction: DockerInstruction | undefined): string[] {
  if (!instruction) return [];
  const parsed: unknown = JSON.parse(instruction.args);
  if (!Array.isArray(parsed)) throw new Error(`${instruction.keyword} is not in exec form`);
  return parsed.map(String);
}

const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};

describe('docker-compose.yml', () => {
  it('defines PostgreSQL, the Temporal setup jobs, Temporal, its UI, the API and the worker', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'temporal-admin-tools',
        'temporal',
        'temporal-create-namespace',
        'temporal-ui',
        'app',
        'worker',
      ]),
    );
  });

  it('lets the worker be scaled with --scale because it has no container name and no host ports', () => {
    const worker = service('worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
  });

  it('builds app and worker from a context and Dockerfile that exist in the repository', () => {
    const built = Object.entries(services).filter(([, svc]) => svc.build !== undefined);
    expect(built.map(([name]) => name)).toEqual(expect.arrayContaining(['app', 'worker']));
    for (const [name, svc] of built) {
      const build = typeof svc.build === 'string' ? { context: svc.build } : (svc.build ?? {});
      const context = path.resolve(root, build.context ?? '.');
      expect(existsSync(context) && statSync(context).isDirectory(), `${name} build context`).toBe(
        true,
      );
      const dockerfileOf = path.resolve(context, build.dockerfile ?? 'Dockerfile');
      expect(existsSync(dockerfileOf), `${name} dockerfile ${dockerfileOf}`).toBe(true);
    }
  });

  it.each([
    ['app', 'api'],
    ['worker', 'worker'],
  ] as const)(
    'starts %s from files that exist in the repository with the %s role',
    (name, role) => {
      const args = argsOf(service(name).command);
      expect(args.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
      expect(packageJson.dependencies?.tsx, 'tsx must be a runtime dependency').toBeDefined();
      const files = repoPathsIn(args);
      expect(files).toContain('platform/main.ts');
      for (const file of files) expect(existsSync(path.join(root, file)), file).toBe(true);

      const config = loadConfig(
        environmentOf(service(name)),
        args.slice(args.indexOf('platform/main.ts') + 1),
      );
      expect(config.role).toBe(role);
    },
  );

  it.each(['app', 'worker'])(
    'gives %s an external PostgreSQL and Temporal so it never starts embedded ones',
    (name) => {
      const env = environmentOf(service(name));
      const config = loadConfig(env, argsOf(service(name).command));
      expect(config.databaseUrl).toBeDefined();
      expect(config.temporalAddress).toBeDefined();

      const db = new URL(config.databaseUrl!);
      expect(db.protocol).toMatch(/^postgres(ql)?:$/);
      expect(Object.keys(services)).toContain(db.hostname);
      const [temporalHost] = config.temporalAddress!.split(':');
      expect(temporalHost).toBe('temporal');
    },
  );

  it('makes the API listen on all interfaces so the published port reaches it', () => {
    const config = loadConfig(environmentOf(service('app')), argsOf(service('app').command));
    expect(config.host).toBe('0.0.0.0');
    const published = (service('app').ports ?? []).map((p) => withDefaults(String(p)));
    expect(published.some((p) => p.endsWith(`:${config.port}`))).toBe(true);
  });

  it('gives app, postgres and temporal health checks, the app one probing /api/health', () => {
    for (const name of ['app', 'postgres', 'temporal']) {
      const check = service(name).healthcheck;
      expect(check?.disable, name).not.toBe(true);
      expect(argsOf(check?.test).length, name).toBeGreaterThan(0);
    }
    expect(argsOf(service('app').healthcheck?.test).join(' ')).toContain('/api/health');
    expect(argsOf(service('postgres').healthcheck?.test).join(' ')).toContain('pg_isready');
  });

  it('starts app and worker only after PostgreSQL and Temporal are healthy and the namespace exists', () => {
    for (const name of ['app', 'worker']) {
      expect(dependsOn(service(name)), name).toMatchObject({
        postgres: 'service_healthy',
        temporal: 'service_healthy',
        'temporal-create-namespace': 'service_completed_successfully',
      });
    }
  });

  it('starts Temporal only after its PostgreSQL schema has been set up', () => {
    expect(dependsOn(service('temporal-admin-tools'))).toMatchObject({
      postgres: 'service_healthy',
    });
    expect(dependsOn(service('temporal'))).toMatchObject({
      'temporal-admin-tools': 'service_completed_successfully',
    });
    expect(dependsOn(service('temporal-create-namespace'))).toMatchObject({
      temporal: 'service_healthy',
    });
  });

  it('keeps PostgreSQL data in a named volume', () => {
    const mounts = (service('postgres').volumes ?? []).map(String);
    const data = mounts.find((m) => m.endsWith(':/var/lib/postgresql/data'));
    expect(data).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(data!.split(':')[0]);
  });

  it('sets up both Temporal databases with temporal-sql-tool for PostgreSQL', () => {
    const setup = service('temporal-admin-tools');
    expect(setup.image).toMatch(/^temporalio\/admin-tools:/);
    const script = scriptOf(setup);
    expect(script).toContain('temporal-sql-tool');
    expect(script).toContain('postgres12');
    expect(script).toMatch(/setup-schema/);
    expect(script).toMatch(/update-schema/);
    for (const schema of [
      'postgresql/v12/temporal/versioned',
      'postgresql/v12/visibility/versioned',
    ]) {
      expect(script).toContain(schema);
    }
    for (const db of ['temporal', 'temporal_visibility'])
      expect(script).toMatch(new RegExp(`\\b${db}\\b`));
  });

  it('runs Temporal from temporalio/server on PostgreSQL, never from the deprecated auto-setup image', () => {
    const temporal = service('temporal');
    expect(temporal.image).toMatch(/^temporalio\/server:/);
    expect(environmentOf(temporal)).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
    for (const [name, svc] of Object.entries(services)) {
      expect(svc.image ?? '', name).not.toContain('auto-setup');
    }
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:/);
  });

  it('registers every search attribute Baton uses in the namespace the app runs in', () => {
    const job = service('temporal-create-namespace');
    const script = scriptOf(job);
    expect(script).toContain('temporal operator namespace create');
    expect(script).toContain('temporal operator search-attribute create');
    expect(script).toContain('--type Keyword');
    for (const attribute of searchAttributes) {
      const [name, type] = attribute.split('=');
      expect(type).toBe('Keyword');
      expect(script).toContain(name);
    }
    const namespace = environmentOf(job).NAMESPACE;
    expect(namespace).toBe(environmentOf(service('app')).TEMPORAL_NAMESPACE);
  });

  it('pins every third-party image to a specific version', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (svc.build !== undefined) continue;
      const image = withDefaults(svc.image ?? '');
      const tag = image.split(':')[1] ?? '';
      expect(tag, `${name} image ${image}`).toMatch(/^\d+\.\d+/);
    }
  });

  it('documents every variable it reads in the comment block at the top', () => {
    const header = composeText.slice(0, composeText.search(/^[^#\s]/m));
    const variables = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
    expect(variables.size).toBeGreaterThan(0);
    for (const variable of variables)
      expect(header, variable).toMatch(new RegExp(`\\b${variable}\\b`));
  });
});

describe('Dockerfile', () => {
  it('exists at the repository root', () => {
    expect(existsSync(dockerfilePath)).toBe(true);
  });

  it('builds from node 20 images in several stages', () => {
    const froms = dockerfile.filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBeGreaterThan(1);
    const args = dockerfile.filter((i) => i.keyword === 'ARG').map((i) => i.args);
    const defaults = Object.fromEntries(
      args.map((a) => {
        const [k = '', v = ''] = a.split('=');
        return [k, v];
      }),
    );
    for (const from of froms) {
      const image = from.args
        .split(/\s+/)[0]!
        .replace(/\$\{(\w+)\}/g, (_, k: string) => defaults[k] ?? '');
      expect(image).toMatch(/^node:20(\.\d+)*-bookworm-slim$/);
    }
  });

  it('copies only sources that exist in the build context, or outputs of earlier stages', () => {
    const stages: string[] = [];
    let count = 0;
    for (const instruction of dockerfile) {
      if (instruction.keyword === 'FROM') {
        const alias = /\bAS\s+(\S+)/i.exec(instruction.args)?.[1];
        if (alias) stages.push(alias);
        continue;
      }
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
      count++;
      const parts = instruction.args.split(/\s+/);
      const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
      const operands = parts.filter((p) => !p.startsWith('--'));
      const sources = operands.slice(0, -1);
      expect(sources.length, instruction.args).toBeGreaterThan(0);
      if (from !== undefined) {
        expect(stages, instruction.args).toContain(from);
        continue;
      }
      for (const source of sources) expect(existsSync(path.join(root, source)), source).toBe(true);
    }
    expect(count).toBeGreaterThan(0);
  });

  it('does not leave files the image copies out of the build context', () => {
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('!'));
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.base.json',
      'platform/main.ts',
      'workflows/worker.ts',
      'designer/vite.config.ts',
    ];
    for (const file of needed) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
      const excludedBy = ignored.filter((pattern) => dockerignoreExcludes(pattern, file));
      expect(excludedBy, file).toEqual([]);
    }
  });

  it('runs the API by default from files that exist in the repository', () => {
    const cmd = jsonArgs(dockerfile.findLast((i) => i.keyword === 'CMD'));
    expect(cmd.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
    for (const file of repoPathsIn(cmd)) expect(existsSync(path.join(root, file)), file).toBe(true);
    expect(repoPathsIn(cmd)).toContain('platform/main.ts');
    const config = loadConfig(
      { DATABASE_URL: 'postgres://x@db/x', TEMPORAL_ADDRESS: 'temporal:7233' },
      cmd.slice(cmd.indexOf('platform/main.ts') + 1),
    );
    expect(config.role).toBe('api');
  });

  it('checks its health through GET /api/health with node fetch', () => {
    const check = dockerfile.find((i) => i.keyword === 'HEALTHCHECK');
    expect(check?.args).toContain('/api/health');
    expect(check?.args).toContain('fetch(');
  });

  it('runs as a non-root user', () => {
    const user = dockerfile.findLast((i) => i.keyword === 'USER')?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it('listens on all interfaces inside the container', () => {
    const env = dockerfile
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
  });
});
