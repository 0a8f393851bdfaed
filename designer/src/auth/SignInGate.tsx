// Shows the sign-in form until the server knows who is using the designer, then the app.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';

type State = 'checking' | 'signed-in' | 'signed-out';

/** Wraps the whole app: every screen needs a signed-in user (the API answers 401 otherwise). */
export function SignInGate({ children }: { readonly children: ReactNode }) {
  const [state, setState] = useState<State>('checking');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();

  useEffect(() => {
    void fetch('/api/auth/me', { credentials: 'same-origin' })
      .then((r) => setState(r.status === 401 ? 'signed-out' : 'signed-in'))
      .catch(() => setState('signed-in'));
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const response = await fetch('/api/auth/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.ok) {
      setState('signed-in');
      return;
    }
    const body = (await response.json().catch(() => undefined)) as
      { error?: { message?: string } } | undefined;
    setError(body?.error?.message ?? response.statusText);
  };

  if (state === 'signed-in') return <>{children}</>;
  if (state === 'checking') return <p>…</p>;
  return (
    <main className="app">
      <form className="panel" data-testid="sign-in" onSubmit={(e) => void submit(e)}>
        <h1>Baton 登录 / Sign in</h1>
        <label>
          <span>邮箱 / E-mail</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </label>
        <label>
          <span>密码 / Password</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit">登录 / Sign in</button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
