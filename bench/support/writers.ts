import type { NewEvent } from '../../src/platform/eventStore/eventStore.js';
import { contractRegistered } from './events.js';

/** Appends one event to `streamId`, which is at `expectedVersion` (0: the stream is new). */
export type AppendOne = (
  streamId: string,
  expectedVersion: number,
  event: NewEvent,
) => Promise<void>;

export interface WorkloadOptions {
  readonly writers: number;
  /** Appends in total, split evenly among the writers. */
  readonly appends: number;
  /** Makes stream ids (and so event ids) unique per run: `contract-<tag>-<writer>-<n>`. */
  readonly tag: string;
  readonly eventsPerStream: number;
}

/** One timed run. */
export interface RunSample {
  readonly seconds: number;
  readonly latencies: readonly number[];
  /** CPU time of this Node process (user + system) during the run, in microseconds. */
  readonly clientCpuMicros: number;
}

/** Several runs of one system pooled: throughput over their total time, percentiles over all. */
export interface AppendFigures {
  readonly writers: number;
  readonly appends: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Node CPU per append: event building, serialisation, driver, plus our store's hashing. */
  readonly clientCpuMicrosPerAppend: number;
  /** Throughput of each round, to show the run-to-run noise. */
  readonly roundEventsPerSecond: readonly number[];
}

/**
 * Concurrent writers, each owning its streams: every append names the exact version the writer
 * last wrote, so optimistic concurrency is checked on every call and never conflicts.
 */
export async function runWriters(append: AppendOne, options: WorkloadOptions): Promise<RunSample> {
  const perWriter = Math.ceil(options.appends / options.writers);
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.writers }, (_, writer) =>
      writeStreams(append, `contract-${options.tag}-${writer}`, perWriter, options, latencies),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, latencies, clientCpuMicros: used.user + used.system };
}

async function writeStreams(
  append: AppendOne,
  prefix: string,
  count: number,
  options: WorkloadOptions,
  latencies: number[],
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const streamId = `${prefix}-${Math.floor(i / options.eventsPerStream)}`;
    const expectedVersion = i % options.eventsPerStream;
    const event = contractRegistered(streamId, expectedVersion + 1);
    const start = performance.now();
    await append(streamId, expectedVersion, event);
    latencies.push(performance.now() - start);
  }
}

export function summarise(writers: number, samples: readonly RunSample[]): AppendFigures {
  const latencies = samples.flatMap((sample) => sample.latencies);
  const seconds = samples.reduce((sum, sample) => sum + sample.seconds, 0);
  const cpu = samples.reduce((sum, sample) => sum + sample.clientCpuMicros, 0);
  return {
    writers,
    appends: latencies.length,
    seconds,
    eventsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    clientCpuMicrosPerAppend: cpu / latencies.length,
    roundEventsPerSecond: samples.map((sample) => sample.latencies.length / sample.seconds),
  };
}

/** Nearest-rank percentile, in the unit of the samples. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
