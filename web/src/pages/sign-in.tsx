import { useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Session } from '../api/types.js';
import { bannerError, ErrorBanner, Field, fieldError } from '../components/form.js';

/** Sign in with a user (warroom user add) or an API token (warroom token create). */
export function SignInPage({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [mode, setMode] = useState<'user' | 'token'>('user');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [apiError, setApiError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (mode === 'user') {
      if (!username.trim()) errs.username = 'Enter your user name.';
      if (!password) errs.password = 'Enter your password.';
    } else if (!token.trim()) errs.token = 'Paste an API token (it starts with wr_).';
    else if (!/^wr_[a-f0-9]{12}_[A-Za-z0-9_-]{43}$/.test(token.trim()))
      errs.token = 'That does not look like a warroom token (wr_<id>_<secret>).';
    setErrors(errs);
    setApiError(null);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const r = await api.signIn(mode === 'user' ? { username: username.trim(), password } : { token: token.trim() });
      onSignedIn(r.session);
    } catch (err) {
      setApiError(err);
    } finally {
      setBusy(false);
    }
  }

  const err = (f: string) => errors[f] ?? fieldError(apiError, f);
  return (
    <main id="main" className="page signin">
      <h1>Sign in to warroom</h1>
      <form onSubmit={submit} noValidate aria-describedby="signin-help">
        <fieldset className="segmented">
          <legend>Sign in with</legend>
          <label>
            <input type="radio" name="mode" value="user" checked={mode === 'user'} onChange={() => setMode('user')} /> User name and
            password
          </label>
          <label>
            <input type="radio" name="mode" value="token" checked={mode === 'token'} onChange={() => setMode('token')} /> API token
          </label>
        </fieldset>
        {mode === 'user' ? (
          <>
            <Field label="User name" error={err('username')}>
              {(p) => (
                <input
                  {...p}
                  name="username"
                  autoComplete="username"
                  value={username}
                  onChange={(e) => setUsername(e.target.value)}
                  autoFocus
                />
              )}
            </Field>
            <Field label="Password" error={err('password')}>
              {(p) => (
                <input
                  {...p}
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              )}
            </Field>
          </>
        ) : (
          <Field label="API token" error={err('token')} hint="Create one with: warroom token create --role responder">
            {(p) => (
              <input
                {...p}
                name="token"
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={token}
                onChange={(e) => setToken(e.target.value)}
                autoFocus
              />
            )}
          </Field>
        )}
        <ErrorBanner error={bannerError(apiError, ['username', 'password', 'token'])} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p id="signin-help" className="hint">
          Users are created with <code>warroom user add NAME --role responder --password-stdin</code>. The public status page is at{' '}
          <a href="/status">/status</a>.
        </p>
      </form>
    </main>
  );
}
