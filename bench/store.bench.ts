/**
 * Event store benchmark: appends (ours vs a raw INSERT vs Emmett, and ours again while the
 * merkle_tree projection is kept up to date beside the writers) and projection catch-up, on
 * PostgreSQL (a dedicated `dichiara_bench` database, dropped afterwards) and on PGlite in memory.
 * Run with `npm run bench:store`; DATABASE_URL names the server (default: local, user postgres).
 * Prints a table and writes bench/results/store.json.
 */
import { testTagKey } from '../test/support/testApp.js';
import { fileURLToPath } from 'node:url';
import { createPostgresEventStore } from '../src/platform/eventStore/postgresEventStore.js';
import {
  describeServer,
  dropBenchDatabase,
  openBenchDatabase,
  type Backend,
  type BenchDatabase,
} from './support/benchDatabase.js';
import { measureCatchUp } from './support/catchUp.js';
import { sampleDataBytes } from './support/events.js';
import {
  allChecks,
  formatTable,
  machine,
  targets,
  writeJson,
  type AppendComparison,
  type BackendResult,
} from './support/report.js';
import { createRawTable, ourAppend, openEmmett, rawAppend } from './support/targets.js';
import {
  checkStoredTree,
  maintainedTree,
  type MaintainedTree,
  type TreeLag,
} from './support/treeMaintained.js';
import { treeRoundsLines } from './support/treeReport.js';
import {
  runWriters,
  summarise,
  type AppendFigures,
  type AppendOne,
  type RunSample,
  type WorkloadOptions,
} from './support/writers.js';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const resultsFile = fileURLToPath(new URL('./results/store.json', import.meta.url));

const plan = {
  /**
   * Appends per system and writer count, over all rounds. PGlite has a single connection: its
   * 16 writers queue on it, so it gets fewer.
   */
  appends: {
    postgres: { 1: 3_000, 16: 16_000 },
    pglite: { 1: 1_000, 16: 2_000 },
  },
  warmupAppends: { postgres: 400, pglite: 200 },
  /** Each system's appends are split over this many interleaved rounds. */
  rounds: 3,
  writerCounts: [1, 16] as const,
  eventsPerStream: 20,
  /** Connections per pool, for our store and for Emmett alike. */
  poolSize: 20,
  catchUp: { streams: 10_000, eventsPerStream: 10, writers: 16 },
  timeLimitMs: 5.5 * 60_000,
};

const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const watchdog = setTimeout(() => void abort(), plan.timeLimitMs).unref();
  const started = Date.now();
  const server = await describeServer(serverUrl);
  const results: BackendResult[] = [];
  for (const backend of ['postgres', 'pglite'] as const) results.push(await benchBackend(backend));
  clearTimeout(watchdog);
  console.log(`\n${formatTable(results)}\n`);
  await writeJson(resultsFile, {
    date: new Date().toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    machine: machine(),
    postgres: server,
    workload: describeWorkload(),
    results,
    targets: { thresholds: targets, checks: allChecks(results) },
  });
  console.log(`Results written to ${resultsFile}`);
}

async function benchBackend(backend: Backend): Promise<BackendResult> {
  const catchUp = await withBenchDatabase(backend, async (bench) => {
    const figures = await measureCatchUp(bench.database, plan.catchUp);
    const { eventsRead, seconds, seedSeconds } = figures;
    log(`${backend} catch-up: read ${eventsRead} events in ${seconds.toFixed(2)} s`);
    log(`${backend} catch-up: (seeding took ${seedSeconds.toFixed(1)} s, not timed)`);
    return figures;
  });
  const { appends, treeCheck } = await withBenchDatabase(backend, compareAppends);
  return { backend, appends, catchUp, treeCheck };
}

/** Each phase gets a fresh database, so the catch-up log holds exactly its own events. */
async function withBenchDatabase<T>(
  backend: Backend,
  run: (bench: BenchDatabase) => Promise<T>,
): Promise<T> {
  const bench = await openBenchDatabase(backend, serverUrl, plan.poolSize);
  try {
    return await run(bench);
  } finally {
    await bench.close();
  }
}

interface System {
  /** `tree`: our store again, with the merkle_tree projection maintained beside the writers. */
  readonly name: 'ours' | 'raw' | 'emmett' | 'tree';
  readonly append: AppendOne;
  /** Started before each of its runs (and warm-up), finished right after the writers. */
  readonly beside?: MaintainedTree;
}

async function compareAppends(bench: BenchDatabase) {
  // Tagged, as the portal's store tags each event.
  const store = createPostgresEventStore(bench.database, { tagKey: testTagKey });
  await createRawTable(bench.database.db);
  const emmett = bench.url ? await openEmmett(bench.url, plan.poolSize) : null;
  const systems: System[] = [
    { name: 'ours', append: ourAppend(store) },
    { name: 'raw', append: rawAppend(bench.database.db) },
    ...(emmett ? [{ name: 'emmett', append: emmett.append } as const] : []),
    { name: 'tree', append: ourAppend(store), beside: maintainedTree(bench.database.db, store) },
  ];
  try {
    const appends: AppendComparison[] = [];
    for (const writers of plan.writerCounts) {
      const { figures, lags } = await measureRounds(bench, systems, writers);
      const row = {
        writers,
        ours: figures.get('ours')!,
        raw: figures.get('raw')!,
        emmett: figures.get('emmett') ?? null,
        tree: { append: figures.get('tree')!, lags },
      };
      treeRoundsLines(`${bench.backend} ${writers}w`, row.ours, row.tree).forEach(log);
      appends.push(row);
    }
    const treeCheck = await checkStoredTree(bench.database.db, store);
    log(
      `${bench.backend} merkle_tree: ${treeCheck.leaves} leaves, root matches the log's: ${treeCheck.rootMatches}`,
    );
    return { appends, treeCheck };
  } finally {
    await emmett?.close();
  }
}

/** One run of a system, with what runs beside it started before and finished after. */
async function runSystem(
  system: System,
  options: WorkloadOptions,
  settle: () => Promise<void>,
): Promise<{ sample: RunSample; lag: TreeLag | null }> {
  await system.beside?.start();
  await settle();
  const sample = await runWriters(system.append, options);
  const lag = (await system.beside?.finish()) ?? null;
  return { sample, lag };
}

/**
 * A warm-up per system, then rounds in which the systems take turns (who goes first rotates),
 * each run after a checkpoint: a slow spell of this shared VM's disk hits all systems alike.
 */
async function measureRounds(
  bench: BenchDatabase,
  systems: readonly System[],
  writers: 1 | 16,
): Promise<{ figures: Map<string, AppendFigures>; lags: TreeLag[] }> {
  const { eventsPerStream, rounds } = plan;
  const appends = Math.ceil(plan.appends[bench.backend][writers] / rounds);
  const warmup = plan.warmupAppends[bench.backend];
  const samples = new Map(systems.map((system) => [system.name, [] as RunSample[]]));
  const lags: TreeLag[] = [];
  for (const system of systems) {
    const tag = `${system.name}warm${writers}`;
    await runSystem(system, { writers, appends: warmup, tag, eventsPerStream }, async () => {});
  }
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < systems.length; turn++) {
      const system = systems[(turn + round) % systems.length]!;
      const tag = `${system.name}${writers}r${round}`;
      const options = { writers, appends, tag, eventsPerStream };
      const { sample, lag } = await runSystem(system, options, () => bench.settle());
      samples.get(system.name)!.push(sample);
      if (lag) lags.push(lag);
    }
  }
  const figures = new Map([...samples].map(([name, runs]) => [name, summarise(writers, runs)]));
  for (const [name, f] of figures) {
    const rounds = f.roundEventsPerSecond.map((rate) => Math.round(rate)).join('/');
    log(
      `${bench.backend} ${name} ${writers}w: ${Math.round(f.eventsPerSecond)} ev/s ` +
        `(rounds ${rounds}), p50 ${f.p50Ms.toFixed(2)} ms, p99 ${f.p99Ms.toFixed(2)} ms`,
    );
  }
  return { figures, lags };
}

function describeWorkload() {
  return {
    event: { type: 'ContractRegistered', dataBytes: sampleDataBytes(), eventsPerAppend: 1 },
    ...plan,
    ours:
      'createPostgresEventStore(...).appendToStream: one autocommit ' +
      '`select * from append_to_stream(...)` per event',
    raw:
      'autocommit single-row INSERT (no BEGIN/COMMIT) into bench_raw_events ' +
      '(like events including all), through the same kysely/pg pool as ours',
    emmett:
      '@event-driven-io/emmett-postgresql getPostgreSQLEventStore on its own pg.Pool of the ' +
      'same size: BEGIN; select emt_append_to_stream(...); COMMIT',
    tree:
      'ours, while a ProjectionRunner with merkleTreeProjection runs in this process on the same ' +
      'pool and store (woken by each append, as in the portal); before each run it is started and ' +
      'caught up (untimed); after the writers, the events it lacks are counted and its catch-up ' +
      'timed, then it is stopped',
    roundsMethod:
      'per writer count, a warm-up per system, then `rounds` rounds in which the systems take ' +
      'turns (rotating order), each run after a CHECKPOINT; figures pool all rounds',
    pglite: "openPglite('memory://'): one connection, concurrent writers queue on it",
  };
}

async function abort(): Promise<void> {
  log(`Time limit of ${plan.timeLimitMs / 1000} s reached: dropping dichiara_bench, exiting.`);
  await dropBenchDatabase(serverUrl).catch(() => undefined);
  process.exit(2);
}

await main();
