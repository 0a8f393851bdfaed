// The `baton` command line: talks to a running Baton over its HTTP API.
//
//   baton login --email <e-mail> [--password …] [--token-name …]   (prints an API token)
//   baton template list [--url http://localhost:3000] [--json]
//   baton template install <key> --space <space> [--name 名称] [--name-en Name]
//                                [--param name=value ...] [--demo] [--url …] [--json]
//   baton template export <space> [--out file] [--members] [--key k] [--version 1.2.0]
//   baton template import <file> --space <space> [--param name=value ...] [--demo]
//   baton template upgrade <space> [--file template.json] [--param …] [--resolve pointer=ours …] [--apply]
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const usage = `Usage:
  baton login --email <e-mail> [--password P] [--token-name NAME] [--url URL]
  baton template list [--url URL] [--token T] [--json]
  baton template install <key> --space <space> [--param name=value ...]
                         [--name 名称] [--name-en Name] [--demo] [--url URL] [--token T] [--json]
  baton template export <space> [--out FILE] [--members] [--key KEY] [--version X.Y.Z]
  baton template import <file> --space <space> [--param name=value ...] [--demo] [--json]
  baton template upgrade <space> [--file FILE] [--param name=value ...]
                         [--resolve /pointer=ours|theirs|base ...] [--apply] [--json]

export writes the space's published definition as a template (stdout without --out);
upgrade merges a newer pack version (--file, else the shipped pack) into the space, keeping
its own changes: without --apply it only shows the plan and the conflicts.

--url defaults to $BATON_URL, else http://localhost:$PORT (3000).
--token defaults to $BATON_TOKEN: an API token (\`baton login\` creates one and prints it).
--password defaults to $BATON_PASSWORD.`;

interface ApiError {
  readonly error?: {
    readonly code?: string;
    readonly message?: string;
    readonly details?: { readonly issues?: ReadonlyArray<Record<string, unknown>> };
  };
}

/** Thrown for answers the command reports and exits 1 on. */
class CliError extends Error {}

async function main(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      space: { type: 'string' },
      name: { type: 'string' },
      'name-en': { type: 'string' },
      param: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      token: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      'token-name': { type: 'string' },
      demo: { type: 'boolean', default: false },
      out: { type: 'string' },
      file: { type: 'string' },
      members: { type: 'boolean', default: false },
      key: { type: 'string' },
      version: { type: 'string' },
      resolve: { type: 'string', multiple: true },
      apply: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [group, command, key] = positionals;
  if (values.help || (group !== 'template' && group !== 'login')) {
    console.log(usage);
    if (!values.help) process.exitCode = 1;
    return;
  }
  const base = (
    values.url ??
    process.env.BATON_URL ??
    `http://localhost:${process.env.PORT ?? '3000'}`
  ).replace(/\/+$/, '');

  if (group === 'login') {
    const password = values.password ?? process.env.BATON_PASSWORD;
    if (!values.email || !password) throw new CliError(usage);
    const token = await login(base, values.email, password, values['token-name'] ?? 'baton cli');
    console.log(token);
    console.error('export BATON_TOKEN=<the token above> (shown once / 仅显示一次)');
    return;
  }
  authorization = values.token ?? process.env.BATON_TOKEN;

  if (command === 'list') {
    const { templates } = await call<{ templates: TemplateSummary[] }>(`${base}/api/templates`);
    if (values.json) console.log(JSON.stringify(templates, null, 2));
    else for (const t of templates) printTemplate(t);
    return;
  }
  const params = () => Object.fromEntries((values.param ?? []).map(splitParam));
  const printInstall = (result: InstallAnswer, what: string) => {
    if (values.json) return console.log(JSON.stringify(result, null, 2));
    const published = result.changed ? 'published' : 'unchanged, nothing published';
    const created = result.users.filter((u) => u.created).length;
    console.log(`${what} → space "${result.space.key}": version ${result.version} (${published})`);
    console.log(`${result.users.length} demo users (${created} created)`);
    if (result.demo)
      console.log(
        `demo data: ${result.demo.created} leads created, ${result.demo.existing} already there`,
      );
  };
  if (command === 'install' && key && values.space) {
    const zh = values.name ?? values['name-en'];
    const en = values['name-en'] ?? values.name;
    const body = {
      space: values.space,
      ...(zh && en ? { name: { 'zh-CN': zh, en } } : {}),
      params: params(),
      ...(values.demo ? { demo: true } : {}),
    };
    const result = await call<InstallAnswer>(
      `${base}/api/templates/${encodeURIComponent(key)}/install`,
      { method: 'POST', body: JSON.stringify(body) },
    );
    printInstall(result, key);
    return;
  }
  if (command === 'export' && key) {
    const query = new URLSearchParams({
      ...(values.members ? { members: 'true' } : {}),
      ...(values.key ? { key: values.key } : {}),
      ...(values.version ? { version: values.version } : {}),
    });
    const template = await call<{ key: string; version: string }>(
      `${base}/api/spaces/${encodeURIComponent(key)}/template?${query}`,
    );
    const text = JSON.stringify(template, null, 2) + '\n';
    if (!values.out) process.stdout.write(text);
    else {
      await writeFile(values.out, text);
      console.log(`space "${key}" → ${values.out} (template ${template.key} ${template.version})`);
    }
    return;
  }
  if (command === 'import' && key && values.space) {
    const template = JSON.parse(await readFile(key, 'utf8')) as { key?: string };
    const result = await call<InstallAnswer>(`${base}/api/templates/import`, {
      method: 'POST',
      body: JSON.stringify({
        template,
        space: values.space,
        params: params(),
        ...(values.demo ? { demo: true } : {}),
      }),
    });
    printInstall(result, `${key} (${template.key ?? '?'})`);
    return;
  }
  if (command === 'upgrade' && key) {
    const template = values.file ? JSON.parse(await readFile(values.file, 'utf8')) : undefined;
    const resolutions = (values.resolve ?? []).map((text) => {
      const [pointer, take] = splitParam(text);
      if (take !== 'ours' && take !== 'theirs' && take !== 'base')
        throw new CliError(`--resolve takes /pointer=ours|theirs|base, got "${text}"`);
      return { pointer, take };
    });
    const plan = await call<UpgradeAnswer>(
      `${base}/api/spaces/${encodeURIComponent(key)}/template/upgrade`,
      {
        method: 'POST',
        body: JSON.stringify({
          ...(template ? { template } : {}),
          params: params(),
          resolutions,
          apply: values.apply,
        }),
      },
    );
    if (values.json) return console.log(JSON.stringify(plan, null, 2));
    console.log(
      `space "${key}": ${plan.from.key} ${plan.from.version} → ${plan.to.version}, ${plan.changes.length} change(s)`,
    );
    for (const c of plan.conflicts)
      console.log(
        `  conflict ${c.pointer} (${c.kind}): base ${show(c.base)} / ours ${show(c.ours)} / theirs ${show(c.theirs)}`,
      );
    for (const i of plan.issues)
      console.log(`  problem ${String(i.pointer)}: ${describe(i.message)}`);
    if (plan.applied) console.log(`applied: version ${plan.version}`);
    else if (plan.conflicts.length > 0)
      console.log('not applied: settle each conflict with --resolve <pointer>=ours|theirs|base');
    else console.log('not applied: run again with --apply');
    return;
  }
  throw new CliError(usage);
}

interface TemplateSummary {
  readonly key: string;
  readonly version: string;
  readonly label: { readonly 'zh-CN': string; readonly en: string };
  readonly parameters: Record<
    string,
    { type: string; default: unknown; label: { 'zh-CN': string; en: string } }
  >;
}

interface InstallAnswer {
  readonly space: { readonly key: string };
  readonly version: number;
  readonly changed: boolean;
  readonly users: ReadonlyArray<{ readonly created: boolean }>;
  readonly demo?: { readonly created: number; readonly existing: number };
}

interface UpgradeAnswer {
  readonly from: { readonly key: string; readonly version: string };
  readonly to: { readonly version: string };
  readonly changes: readonly unknown[];
  readonly conflicts: ReadonlyArray<{
    readonly pointer: string;
    readonly kind: string;
    readonly base?: unknown;
    readonly ours?: unknown;
    readonly theirs?: unknown;
  }>;
  readonly issues: ReadonlyArray<Record<string, unknown>>;
  readonly applied: boolean;
  readonly version?: number;
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

function printTemplate(t: TemplateSummary): void {
  console.log(`${t.key} ${t.version}  ${t.label['zh-CN']} / ${t.label.en}`);
  for (const [name, p] of Object.entries(t.parameters)) {
    const value = Array.isArray(p.default) ? p.default.join(',') : String(p.default);
    console.log(
      `  ${name.padEnd(22)} ${p.type.padEnd(11)} ${value.padEnd(12)} ${p.label['zh-CN']} / ${p.label.en}`,
    );
  }
}

/** `first_response=PT2H` → ['first_response', 'PT2H']; the server coerces the text. */
function splitParam(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new CliError(`--param takes name=value, got "${text}"`);
  return [text.slice(0, at), text.slice(at + 1)];
}

/** The API token sent with every call (`--token` / BATON_TOKEN). */
let authorization: string | undefined;

/** Signs in with a password, then creates an API token with that session and answers it. */
async function login(base: string, email: string, password: string, name: string): Promise<string> {
  const signedIn = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  }).catch((error: unknown) => {
    throw new CliError(`cannot reach Baton at ${base} (${String(error)})`);
  });
  const answer = (await signedIn.json()) as { csrfToken?: string } & ApiError;
  if (!signedIn.ok || !answer.csrfToken) {
    throw new CliError(
      `${signedIn.status} ${answer.error?.code ?? ''}: ${answer.error?.message ?? ''}`,
    );
  }
  const cookie = signedIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const created = await call<{ token: string }>(`${base}/api/auth/tokens`, {
    method: 'POST',
    body: JSON.stringify({ name }),
    headers: { cookie, 'x-csrf-token': answer.csrfToken },
  });
  return created.token;
}

async function call<T>(
  url: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        ...(authorization ? { authorization: `Bearer ${authorization}` } : {}),
        ...init.headers,
      },
    });
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
    throw new CliError(`cannot reach Baton at ${new URL(url).origin} (${reason})`);
  }
  const text = await response.text();
  const body = (text === '' ? {} : JSON.parse(text)) as T & ApiError;
  if (!response.ok) {
    const issues = body.error?.details?.issues ?? [];
    const lines = issues.map((i) => `  ${String(i.pointer)}: ${describe(i.message)}`);
    throw new CliError(
      [`${response.status} ${body.error?.code ?? ''}: ${body.error?.message ?? text}`, ...lines]
        .join('\n')
        .trim(),
    );
  }
  return body;
}

function describe(message: unknown): string {
  if (typeof message === 'string') return message;
  const localized = message as { 'zh-CN'?: string; en?: string } | undefined;
  return [localized?.en, localized?.['zh-CN']].filter(Boolean).join(' / ');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof CliError ? error.message : error);
  process.exitCode = 1;
});
