// Talking to the Chorus API: same-origin cookies, the CSRF header on every change, and errors
// carrying the API's own `message` and `field` so a form can say where and what. Every call says
// the console's language (`x-chorus-locale`): the API answers its messages in it.

import { useCallback, useEffect, useRef, useState } from 'react';
import { getLocale, t } from './i18n/index.ts';

export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
  reason?: string;
  problems?: unknown[];
  retryAfterSeconds?: number;
}

/** A refusal from the API (status ≥ 400), or a network failure (status 0). */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly reason?: string;
  readonly problems?: unknown[];
  readonly retryAfterSeconds?: number;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = body.code;
    this.field = body.field;
    this.reason = body.reason;
    this.problems = body.problems;
    this.retryAfterSeconds = body.retryAfterSeconds;
  }
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** Set from the session; sent as `x-csrf-token` on every non-GET request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the API answers 401 (the session ended): the shell shows the sign-in page. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  // The console's language (its switch), so the server's messages come in it too.
  const headers: Record<string, string> = { accept: 'application/json', 'x-chorus-locale': getLocale() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(0, { code: 'network', message: t('common.networkError') });
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const err = (data as { error?: ApiErrorBody } | undefined)?.error;
    if (res.status === 401 && !path.startsWith('/api/login') && !path.startsWith('/api/session')) {
      for (const l of unauthorizedListeners) l();
    }
    throw new ApiFailure(res.status, err ?? { code: `http_${res.status}`, message: t('common.httpError', { status: res.status }) });
  }
  return data as T;
}

/** POSTs JSON and returns the answer as a file (an image preview); a refusal is an ApiFailure as with `api`. */
export async function postForBlob(path: string, body: unknown): Promise<Blob> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-chorus-locale': getLocale() };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body) });
  } catch {
    throw new ApiFailure(0, { code: 'network', message: t('common.networkError') });
  }
  if (!res.ok) {
    const err = ((await res.json().catch(() => undefined)) as { error?: ApiErrorBody } | undefined)?.error;
    throw new ApiFailure(res.status, err ?? { code: `http_${res.status}`, message: t('common.httpError', { status: res.status }) });
  }
  return res.blob();
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

export interface Loaded<T> {
  data: T | undefined;
  error: ApiFailure | undefined;
  loading: boolean;
  /** Loads again; the current data stays on screen meanwhile (no flicker). */
  reload: () => Promise<void>;
}

/** GETs a path (null: nothing to load yet) and keeps the answer, the error and the loading state. */
export function useGet<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiFailure | undefined>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const latest = useRef(path);
  latest.current = path;

  const reload = useCallback(async () => {
    if (path === null) return;
    setLoading(true);
    try {
      const d = await get<T>(path);
      if (latest.current === path) {
        setData(d);
        setError(undefined);
      }
    } catch (e) {
      if (latest.current === path) setError(asFailure(e));
    } finally {
      if (latest.current === path) setLoading(false);
    }
  }, [path]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, error, loading, reload };
}

export function asFailure(e: unknown): ApiFailure {
  if (e instanceof ApiFailure) return e;
  return new ApiFailure(0, { code: 'client', message: e instanceof Error ? e.message : String(e) });
}
