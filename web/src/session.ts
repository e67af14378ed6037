import { createContext, useContext } from 'react';
import type { ApiClient } from './api/client';
import type { Me } from './api/types';
import type { LiveEvents } from './live';

export interface Session {
  api: ApiClient;
  me: Me;
  live: LiveEvents;
  /** Any write: work actions, acknowledging exceptions (not a viewer). */
  canWrite: boolean;
  /** Acting on others: halts and their lifting (admins and operators). */
  canOperate: boolean;
  logout: () => void;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session; pages render only inside one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in session');
  return session;
}

/**
 * Where the token is kept: sessionStorage lives as long as the tab and is never sent anywhere by
 * the browser itself, so closing the tab signs out and no cookie exists to forge requests with.
 */
export const TOKEN_KEY = 'autonomy.token';
