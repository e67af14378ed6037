import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from './api/client';
import type { StoredEvent } from './api/types';
import { useSession } from './session';

export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

/** Loads once and again whenever `deps` change or `reload` is called; the latest answer wins. */
export function useApi<T>(
  load: (api: ApiClient) => Promise<T>,
  deps: readonly unknown[],
): Loaded<T> {
  const { api } = useSession();
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current(api).then(
      (data) => {
        if (current) setState({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (current)
          setState((s) => ({
            data: s.data,
            error: error instanceof Error ? error : new Error(String(error)),
            loading: false,
          }));
      },
    );
    return () => {
      current = false;
    };
  }, [api, tick, ...deps]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/**
 * Calls `onEvents` with the live events of these types (prefixes). Events arriving close together
 * are handed over as one batch after `delayMs`, so a burst costs one refresh, not one per event.
 */
export function useLiveEvents(
  prefixes: readonly string[],
  onEvents: (events: readonly StoredEvent[]) => void,
  delayMs = 100,
): void {
  const { live } = useSession();
  const handler = useRef(onEvents);
  handler.current = onEvents;
  const key = prefixes.join('|');
  useEffect(() => {
    let pending: StoredEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = live.subscribe(key.split('|'), (events) => {
      pending.push(...events);
      timer ??= setTimeout(() => {
        timer = null;
        const batch = pending;
        pending = [];
        handler.current(batch);
      }, delayMs);
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [live, key, delayMs]);
}

/** Reloads when events of these types arrive. */
export function useLiveReload(
  prefixes: readonly string[],
  reload: () => void,
  delayMs = 150,
): void {
  useLiveEvents(prefixes, reload, delayMs);
}
