// The CLI's way to the running server: `CHORUS_URL` (default http://127.0.0.1:8787) and
// `CHORUS_TOKEN`, else the admin token `chorus serve` wrote into the data folder
// (`--data` / `CHORUS_DATA` / ./.chorus). API errors come back as the API's own message and field.

import { DEFAULT_URL, dataDir } from '../config.ts';
import { readAdminToken } from '../server/tokens.ts';

/** The server answered with an error: its message, and the field it is about. */
export class ApiCallError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiCallError';
    this.status = status;
    this.code = code;
    if (field !== undefined) this.field = field;
  }
}

/** Nobody answers at the URL: exit code 2. */
export class NoServerError extends Error {
  constructor(url: string) {
    super(`No Chorus server at ${url}; start one with \`chorus serve\` (or set CHORUS_URL to where it runs).`);
    this.name = 'NoServerError';
  }
}

export interface ApiClient {
  readonly url: string;
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
  /** A GET answered with bytes (an image); errors as for the others. */
  bytes(path: string): Promise<{ bytes: Buffer; type: string }>;
}

export function apiClient(opts: { data?: string; env?: NodeJS.ProcessEnv } = {}): ApiClient {
  const env = opts.env ?? process.env;
  const url = (env.CHORUS_URL?.trim() || DEFAULT_URL).replace(/\/+$/, '');
  const dir = dataDir(opts.data ?? env.CHORUS_DATA);
  const token = env.CHORUS_TOKEN?.trim() || readAdminToken(dir);

  const call = async <T>(method: string, path: string, body?: unknown, binary = false): Promise<T> => {
    const headers: Record<string, string> = { accept: binary ? '*/*' : 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new NoServerError(url);
    }
    if (binary && res.ok) return { bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') ?? '' } as T;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiCallError(res.status, 'not_chorus', `The server at ${url} did not answer like Chorus (HTTP ${res.status}); is CHORUS_URL right?`);
    }
    if (!res.ok) {
      const e = (json as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
      let message = e?.message ?? `The server answered HTTP ${res.status}.`;
      if (res.status === 401 && !token) {
        message = `${message} No token found: set CHORUS_TOKEN, or point --data / CHORUS_DATA at the data folder of the server (it holds admin-token).`;
      }
      throw new ApiCallError(res.status, e?.code ?? 'error', message, e?.field);
    }
    return json as T;
  };

  return {
    url,
    get: (path, query) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) q.set(k, String(v));
      const qs = q.toString();
      return call('GET', qs ? `${path}?${qs}` : path);
    },
    post: (path, body) => call('POST', path, body ?? {}),
    patch: (path, body) => call('PATCH', path, body),
    put: (path, body) => call('PUT', path, body),
    del: (path) => call('DELETE', path),
    bytes: (path) => call('GET', path, undefined, true),
  };
}
