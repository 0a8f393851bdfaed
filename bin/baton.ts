// The `baton` command line: talks to a running Baton over its HTTP API.
//
//   baton login --email <e-mail> [--password …] [--token-name …]   (prints an API token)
//   baton template list [--url http://localhost:3000] [--json]
//   baton template install <key> --space <space> [--name 名称] [--name-en Name]
//                                [--param name=value ...] [--url …] [--json]
import { parseArgs } from 'node:util';

const usage = `Usage:
  baton login --email <e-mail> [--password P] [--token-name NAME] [--url URL]
  baton template list [--url URL] [--token T] [--json]
  baton template install <key> --space <space> [--param name=value ...]
                         [--name 名称] [--name-en Name] [--url URL] [--token T] [--json]

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
  if (command === 'install' && key && values.space) {
    const zh = values.name ?? values['name-en'];
    const en = values['name-en'] ?? values.name;
    const body = {
      space: values.space,
      ...(zh && en ? { name: { 'zh-CN': zh, en } } : {}),
      params: Object.fromEntries((values.param ?? []).map(splitParam)),
    };
    const result = await call<InstallAnswer>(
      `${base}/api/templates/${encodeURIComponent(key)}/install`,
      { method: 'POST', body: JSON.stringify(body) },
    );
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else {
      const what = result.changed ? 'published' : 'unchanged, nothing published';
      const created = result.users.filter((u) => u.created).length;
      console.log(`${key} → space "${result.space.key}": version ${result.version} (${what})`);
      console.log(`${result.users.length} demo users (${created} created)`);
    }
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
