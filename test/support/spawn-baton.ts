// Runs the real start command (`node --import tsx platform/main.ts`) as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface SpawnedBaton {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the printed URL once Baton says it is ready. */
  readonly ready: Promise<string>;
  /** Resolves with the exit code (or signal) once the process has ended. */
  readonly exited: Promise<number | string | null>;
}

const root = path.resolve(import.meta.dirname, '../..');

export function spawnBaton(
  env: Record<string, string>,
  readyTimeoutMs = 60_000,
  args: readonly string[] = [],
): SpawnedBaton {
  const child = spawn(process.execPath, ['--import', 'tsx', 'platform/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready in ${readyTimeoutMs} ms:\n${output}`)),
      readyTimeoutMs,
    );
    const check = () => {
      const match = /Baton is ready at (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before ready:\n${output}`));
    });
  });
  ready.catch(() => {});
  return { child, output: () => output, ready, exited };
}

/** The first admin's credentials Baton printed on its first start (`First admin: … / password: …`). */
export function printedAdmin(output: string): { email: string; password: string } | undefined {
  const match = /First admin: (\S+) \/ password: (\S+)/.exec(output);
  return match ? { email: match[1]!, password: match[2]! } : undefined;
}

/**
 * Signs in at `url` and creates an API token with the session, as a newcomer following the README
 * would; answers the header to send.
 * @example const auth = await signIn(url, admin.email, admin.password)
 */
export async function signIn(
  url: string,
  email: string,
  password: string,
): Promise<{ authorization: string }> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`login → ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const created = await fetch(`${url}/api/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'test' }),
  });
  if (created.status !== 201) throw new Error(`token → ${created.status} ${await created.text()}`);
  const { token } = (await created.json()) as { token: string };
  return { authorization: `Bearer ${token}` };
}
