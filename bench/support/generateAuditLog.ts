/**
 * Fills a fresh `dichiara_bench_audit` database with a log of the real domain mix, appended through
 * the PostgreSQL event store, and keeps it (bench/audit.bench.ts can then run with --reuse):
 *
 *   tsx bench/support/generateAuditLog.ts --events 1000000 --database postgres://postgres@127.0.0.1:5432/postgres
 *
 * --writers N (default 8) appenders in parallel; --seed N (default 2026); --dry-run only counts.
 */
import { parseArgs } from 'node:util';
import {
  auditDatabaseUrl,
  createAuditDatabase,
  describeLog,
  openAuditDatabase,
  withSecondaryIndexesDeferred,
} from './auditLogDatabase.js';
import { generateAuditLog, type GenerationFigures } from './auditLogGeneration.js';

export const generationDefaults = { events: 1_000_000, seed: 2026, writers: 8 };

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Creates the database afresh and fills it; the database stays open for the caller to close. */
export interface FreshLog extends GenerationFigures {
  /** Building the secondary indexes after the load. */
  readonly indexSeconds: number;
  readonly indexes: readonly string[];
  /** Generation and index build. */
  readonly totalSeconds: number;
}

/** Creates the database afresh and fills it. */
export async function generateInFreshDatabase(
  serverUrl: string,
  options: { events: number; seed: number; writers: number },
): Promise<FreshLog> {
  await createAuditDatabase(serverUrl);
  const database = await openAuditDatabase(serverUrl, {
    poolSize: options.writers + 2,
    durable: false,
  });
  try {
    const count = options.events.toLocaleString('en-US');
    log(`Generating ${count} events (seed ${options.seed}, ${options.writers} writers)…`);
    const { result, indexSeconds, indexes } = await withSecondaryIndexesDeferred(database, () =>
      generateAuditLog(database, { ...options, log }),
    );
    log(
      `Generated ${result.events.toLocaleString('en-US')} events in ` +
        `${result.streams.toLocaleString('en-US')} streams in ${result.seconds.toFixed(0)} s: ` +
        `${Math.round(result.eventsPerSecond)} events/s, ${Math.round(result.appendsPerSecond)} ` +
        `appends/s; ${indexes.length} secondary indexes built in ${indexSeconds.toFixed(0)} s`,
    );
    return { ...result, indexSeconds, indexes, totalSeconds: result.seconds + indexSeconds };
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: String(generationDefaults.events) },
      seed: { type: 'string', default: String(generationDefaults.seed) },
      writers: { type: 'string', default: String(generationDefaults.writers) },
      database: {
        type: 'string',
        default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const options = {
    events: Number(values.events),
    seed: Number(values.seed),
    writers: Number(values.writers),
  };
  if (values['dry-run']) {
    const figures = await generateAuditLog(null, { ...options, log });
    console.log(JSON.stringify(figures, null, 2));
    return;
  }
  const figures = await generateInFreshDatabase(values.database, options);
  const database = await openAuditDatabase(values.database, { poolSize: 2 });
  try {
    console.log(JSON.stringify({ ...figures, ...(await describeLog(database)) }, null, 2));
  } finally {
    await database.close();
  }
  console.log(`Kept: ${auditDatabaseUrl(values.database)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
