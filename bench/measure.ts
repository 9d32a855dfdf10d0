// What the database benches share: a whole-number setting from the environment, and timing a
// step (logged to stderr under the bench's name) or a repeated call (p50, p95, max in ms).

import { percentile } from './load.ts';

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a whole number above 0 (it is "${raw}").`);
  return n;
}

const ms = (n: number) => Math.round(n * 10) / 10;

export function benchTimer(bench: string) {
  const log = (s: string) => process.stderr.write(`${bench}: ${s}\n`);
  async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
    const t = performance.now();
    const out = await run();
    log(`${what} ${Math.round(performance.now() - t)} ms`);
    return out;
  }
  /** One warm call, then `reps` timed ones. */
  async function measure(name: string, reps: number, fn: () => Promise<unknown>): Promise<Record<string, number>> {
    await fn();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      await fn();
      times.push(performance.now() - t);
    }
    const out = { [`${name}_p50_ms`]: ms(percentile(times, 50)), [`${name}_p95_ms`]: ms(percentile(times, 95)), [`${name}_max_ms`]: ms(Math.max(...times)) };
    log(`${name} p50 ${out[`${name}_p50_ms`]} p95 ${out[`${name}_p95_ms`]} max ${out[`${name}_max_ms`]} ms`);
    return out;
  }
  return { log, timed, measure, ms };
}
