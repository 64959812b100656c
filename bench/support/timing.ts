import { percentile } from './writers.js';

/** Latencies of one measurement, in milliseconds. */
export interface Timing {
  readonly runs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export function timingOf(latencies: readonly number[]): Timing {
  return {
    runs: latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    meanMs: latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length,
    minMs: Math.min(...latencies),
    maxMs: Math.max(...latencies),
  };
}

/** `warmup` untimed calls, then `runs` timed ones, one at a time. */
export async function timeRuns(
  run: () => Promise<unknown>,
  options: { warmup: number; runs: number },
): Promise<Timing> {
  for (let i = 0; i < options.warmup; i++) await run();
  const latencies: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const start = performance.now();
    await run();
    latencies.push(performance.now() - start);
  }
  return timingOf(latencies);
}
