// Live refresh for boards and lists: GET a path, then again `intervalMs` after each answer (never
// two requests at once), not while the tab is hidden, and at once when it comes back. The last
// answer stays on screen while the next loads, so nothing flickers.

import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiFailure, asFailure, get } from '../../api.ts';

export interface Polled<T> {
  data: T | undefined;
  error: ApiFailure | undefined;
  /** Loads now (after an action), without waiting for the next tick. */
  refresh: () => void;
  /** When the data shown was loaded. */
  loadedAt: Date | undefined;
}

export function usePolling<T>(path: string | null, intervalMs: number): Polled<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: ApiFailure; loadedAt?: Date }>({ path });
  const kick = useRef<() => void>(() => {});

  useEffect(() => {
    if (path === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    const tick = async () => {
      if (stopped || inFlight) return;
      clearTimeout(timer);
      if (document.hidden) {
        timer = setTimeout(tick, intervalMs);
        return;
      }
      inFlight = true;
      try {
        const data = await get<T>(path);
        if (!stopped) setState({ path, data, loadedAt: new Date() });
      } catch (e) {
        // Keep showing the last good answer under the error: a blip should not blank the board.
        if (!stopped) setState((s) => ({ ...s, path, error: asFailure(e) }));
      } finally {
        inFlight = false;
        if (!stopped) timer = setTimeout(tick, intervalMs);
      }
    };
    kick.current = () => void tick();
    const onVisible = () => {
      if (!document.hidden) void tick();
    };
    document.addEventListener('visibilitychange', onVisible);
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [path, intervalMs]);

  const refresh = useCallback(() => kick.current(), []);
  const same = state.path === path;
  return { data: same ? state.data : undefined, error: same ? state.error : undefined, refresh, loadedAt: same ? state.loadedAt : undefined };
}
