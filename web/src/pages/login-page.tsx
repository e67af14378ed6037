import { useState, type SyntheticEvent } from 'react';
import { ApiClient } from '../api/client';
import type { Me } from '../api/types';

export interface LoginPageProps {
  /** A stored token is being checked. */
  checking: boolean;
  error: string | null;
  onLogin: (token: string, me: Me) => void;
}

/** Paste an API token (`autonomy token create`); the API says who it is. */
export function LoginPage({ checking, error, onLogin }: LoginPageProps) {
  const [token, setToken] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const secret = token.trim();
    try {
      onLogin(secret, await new ApiClient(secret).get<Me>('/v1/me'));
    } catch (reason) {
      setFailure(reason instanceof Error ? reason.message : String(reason));
      setBusy(false);
    }
  };

  const shown = failure ?? error;
  return (
    <main className="login" id="main">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">autonomy</h1>
        <p>
          Sign in with an API token. The first <code>npm start</code> prints an admin token;{' '}
          <code>npx autonomy token create --role viewer</code> makes one that may only read.
        </p>
        <label className="field" htmlFor="token">
          API token
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
        </label>
        {shown !== null && (
          <p role="alert" className="error">
            {shown}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
        <p className="hint">
          The token is kept in this tab only (session storage) and sent as a bearer header.
        </p>
      </form>
    </main>
  );
}
