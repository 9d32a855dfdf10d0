// A small HTTP load generator for the API benchmarks: N keep-alive connections, each sending its
// next request as soon as the previous answer is read, until a fixed number of requests is done
// or a time limit passes, whichever comes first. Loopback only: it refuses any other address, so a
// benchmark can never send traffic off this machine.

import http from 'node:http';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  /** Concurrent connections (each with one request in flight). */
  connections: number;
  /** Total requests to send. */
  requests: number;
  /** Stops early after this many seconds, even if requests remain. */
  maxSeconds: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** Status codes other than 200, by code. */
  statuses: Record<string, number>;
  seconds: number;
  /** Per-request latency in milliseconds, in completion order. */
  latencies: number[];
  bytes: number;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/i;

export function isLoopback(url: string): boolean {
  return LOOPBACK.test(new URL(url).hostname);
}

/** The p-th percentile (0–100) of a list of numbers, by the nearest-rank method. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

function once(agent: http.Agent, url: URL, headers: Record<string, string>): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  if (!isLoopback(opts.url)) throw new Error(`The load generator only targets this machine (127.0.0.1, localhost, [::1]); refusing ${opts.url}`);
  const url = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let sent = 0;
  let errors = 0;
  let bytes = 0;
  const started = performance.now();
  const deadline = started + opts.maxSeconds * 1000;
  const lane = async () => {
    while (sent < opts.requests && performance.now() < deadline) {
      sent++;
      const t0 = performance.now();
      try {
        const r = await once(agent, url, opts.headers ?? {});
        latencies.push(performance.now() - t0);
        bytes += r.bytes;
        if (r.status !== 200) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      } catch {
        errors++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.connections }, lane));
  } finally {
    agent.destroy();
  }
  return { requests: latencies.length, errors, statuses, seconds: (performance.now() - started) / 1000, latencies, bytes };
}
