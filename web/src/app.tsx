import { useEffect, useMemo, useState } from 'react';
import { ApiClient } from './api/client';
import { openEventStream, type StreamStatus } from './api/event-stream';
import type { Me } from './api/types';
import { LiveEvents } from './live';
import { LoginPage } from './pages/login-page';
import { Layout } from './layout';
import { TOKEN_KEY, SessionContext, type Session } from './session';

/** Signs in with a stored token when the tab has one, then renders the dashboard. */
export function App() {
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);

  const logout = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setMe(null);
  };

  useEffect(() => {
    if (token === null || me !== null) return;
    let current = true;
    new ApiClient(token).get<Me>('/v1/me').then(
      (who) => {
        if (current) setMe(who);
      },
      (failure: unknown) => {
        if (!current) return;
        sessionStorage.removeItem(TOKEN_KEY);
        setToken(null);
        setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
    return () => {
      current = false;
    };
  }, [token, me]);

  if (token === null || me === null)
    return (
      <LoginPage
        checking={token !== null}
        error={error}
        onLogin={(secret, who) => {
          sessionStorage.setItem(TOKEN_KEY, secret);
          setError(null);
          setToken(secret);
          setMe(who);
        }}
      />
    );
  return <SignedIn token={token} me={me} logout={logout} />;
}

function SignedIn({ token, me, logout }: { token: string; me: Me; logout: () => void }) {
  const live = useMemo(() => new LiveEvents(), []);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const session = useMemo<Session>(
    () => ({
      api: new ApiClient(token, logout),
      me,
      live,
      canWrite: me.canWrite,
      canOperate: me.role === 'admin' || me.role === 'operator',
      logout,
    }),
    // logout only clears state, so the first one serves for the whole session.
    [token, me, live],
  );
  useEffect(() => {
    const stream = openEventStream({
      token,
      onEvents: (events) => live.publish(events),
      onStatus: (s) => {
        live.setStatus(s);
        setStatus(s);
      },
      onUnauthenticated: logout,
    });
    return () => stream.close();
  }, [token, live]);
  return (
    <SessionContext.Provider value={session}>
      <Layout streamStatus={status} />
    </SessionContext.Provider>
  );
}
