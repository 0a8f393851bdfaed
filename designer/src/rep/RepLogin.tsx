// Sign-in for the rep app when the server asks for it (session cookie + CSRF token).
import { useState, type FormEvent } from 'react';
import { repApi, type RepUser } from '../api/rep';
import { useTr } from '../shell/locale-context';

const text = {
  title: { 'zh-CN': '登录', en: 'Sign in' },
  email: { 'zh-CN': '邮箱', en: 'E-mail' },
  password: { 'zh-CN': '密码', en: 'Password' },
  submit: { 'zh-CN': '登录', en: 'Sign in' },
};

export function RepLogin({ onSignedIn }: { readonly onSignedIn: (user: RepUser) => void }) {
  const { tr } = useTr();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      onSignedIn(await repApi.login(email, password));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <form className="panel rep-followup" data-testid="rep-login" onSubmit={submit}>
      <h3>{tr(text.title)}</h3>
      <label className="rep-field">
        <span>{tr(text.email)}</span>
        <input
          type="email"
          name="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </label>
      <label className="rep-field">
        <span>{tr(text.password)}</span>
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <button type="submit">{tr(text.submit)}</button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
