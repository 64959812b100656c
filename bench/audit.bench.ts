/**
 * Audit benchmark: on a generated log of 1,000,000 events of the real domain mix (a fresh
 * `dichiara_bench_audit` database, dropped afterwards unless --keep), the time to verify the whole
 * log against the baselines (count(*), readAll), and the auditor pages over ~200 random streams:
 * timeline, state as of a version or a time, history search by type; and the transparency log's
 * Merkle tree: a rebuild of the merkle_tree projection over the whole log, then inclusion and
 * consistency proofs from its tables. Run with `npm run bench:audit`; DATABASE_URL names the
 * server (default: local, user postgres).
 *   --reuse       measure the kept database (from --keep or bench/support/generateAuditLog.ts)
 *   --generate    only generate the log, and keep it
 *   --events N, --seed N, --writers N   the generation (defaults: 1,000,000, 2026, 8)
 *   --only log|pages|tree   one part of the measures (e.g. under node --cpu-prof); no JSON written
 * Prints a table and writes bench/results/audit.json.
 */
import { sql } from 'kysely';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPostgresEventStore } from '../src/platform/eventStore/postgresEventStore.js';
import type { Database } from '../src/platform/db/database.js';
import type { EventStore } from '../src/platform/eventStore/eventStore.js';
import {
  auditDatabaseExists,
  describeLog,
  describeMix,
  dropAuditDatabase,
  openAuditDatabase,
} from './support/auditLogDatabase.js';
import { auditRoutesRespond, measurePages } from './support/auditLogHttp.js';
import { startAuditPortal } from './support/auditLogPortal.js';
import { auditChecks, formatAuditTable, type AuditFigures } from './support/auditLogReport.js';
import {
  ensureSignedHead,
  logTree,
  measureProofs,
  rebuildTree,
  type RebuildPass,
} from './support/auditLogTree.js';
import { testTagKey } from '../test/support/testApp.js';
import type { TreeFigures } from './support/auditLogTreeReport.js';
import {
  longestStreams,
  sampleStreams,
  timeEach,
  underlyingQueries,
} from './support/auditLogStreams.js';
import {
  countAll,
  hashingCost,
  readWholeLog,
  verifyWholeLog,
  type Pass,
  type VerifyPass,
} from './support/auditLogVerify.js';
import { describeServer } from './support/benchDatabase.js';
import { generateInFreshDatabase, generationDefaults } from './support/generateAuditLog.js';
import { machine, writeJson } from './support/report.js';

const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const resultsFile = fileURLToPath(new URL('./results/audit.json', import.meta.url));

const plan = {
  /** Whole-log passes of each kind, taking turns, so a slow spell of the machine hits all. */
  passes: 2,
  readBatch: 5_000,
  streams: 200,
  searchRounds: 3,
  hashingSample: 100_000,
  /** Rebuilds of merkle_tree, then proofs of each kind (after untimed warm-up ones). */
  treeRebuilds: 2,
  proofs: { runs: 1_000, warmup: 50 },
  timeLimitMs: 4 * 3_600_000,
};

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: String(generationDefaults.events) },
      seed: { type: 'string', default: String(generationDefaults.seed) },
      writers: { type: 'string', default: String(generationDefaults.writers) },
      keep: { type: 'boolean', default: false },
      reuse: { type: 'boolean', default: false },
      generate: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  const watchdog = setTimeout(() => void abort(values.keep || values.reuse), plan.timeLimitMs);
  watchdog.unref();
  const started = Date.now();
  const parts = ['log', 'pages', 'tree'] as const;
  if (values.only && !parts.some((part) => part === values.only))
    throw new Error(`--only takes one of: ${parts.join(', ')}`);
  const measures = (part: (typeof parts)[number]) => !values.only || values.only === part;
  const options = {
    events: Number(values.events),
    seed: Number(values.seed),
    writers: Number(values.writers),
  };
  if (values.reuse && !(await auditDatabaseExists(serverUrl)))
    throw new Error('--reuse: no kept database; run bench/support/generateAuditLog.ts first');
  const generation = values.reuse ? null : await generateInFreshDatabase(serverUrl, options);
  if (values.generate) return;
  const database = await openAuditDatabase(serverUrl, { poolSize: 10 });
  const loadBefore = os.loadavg();
  try {
    // Tagged, as the portal's store tags each event.
    const store = createPostgresEventStore(database, { tagKey: testTagKey });
    await ensureSignedHead(database, store);
    const shape = { ...(await describeLog(database)), ...(await describeMix(database)) };
    log(`log: ${shape.events} events in ${shape.streams} streams, ${shape.databaseMb} MB`);
    const none = { count: [], readAll: [], verify: [] };
    const passes = measures('log') ? await wholeLogPasses(database, store) : none;
    const hashing = measures('log') ? await hashingCost(database, plan.hashingSample) : null;
    const tree = measures('tree') ? await treeMeasures(database, store, options.seed) : null;
    const streams = measures('pages')
      ? await streamMeasures(database, store, options.seed)
      : { figures: { http: null, queries: null }, accountsRebuildSeconds: null };
    const figures: AuditFigures = {
      events: shape.events,
      generation,
      ...passes,
      ...streams.figures,
      tree,
    };
    console.log(`\n${formatAuditTable(figures)}\n`);
    if (values.only) return;
    await writeJson(resultsFile, {
      date: new Date().toISOString(),
      durationSeconds: (Date.now() - started) / 1000,
      machine: machine(),
      loadAverage: { before: loadBefore, after: os.loadavg() },
      postgres: await describeServer(serverUrl),
      log: { ...shape, generation },
      plan,
      results: { ...figures, hashing, accountsRebuildSeconds: streams.accountsRebuildSeconds },
      targets: auditChecks(figures),
    });
    console.log(`Results written to ${resultsFile}`);
  } finally {
    clearTimeout(watchdog);
    await database.close();
    if (!values.keep && !values.reuse) await dropAuditDatabase(serverUrl);
  }
}

/** count(*), readAll and verifyLog, taking turns, `plan.passes` times each. */
async function wholeLogPasses(database: Database, store: EventStore) {
  const count: Pass[] = [];
  const readAll: Pass[] = [];
  const verify: VerifyPass[] = [];
  const show = (name: string, p: Pass) =>
    log(
      `${name}: ${p.events} events in ${p.seconds.toFixed(2)} s, ${Math.round(p.eventsPerSecond)} events/s`,
    );
  for (let round = 0; round < plan.passes; round++) {
    count.push(await countAll(database));
    show('count(*)', count.at(-1)!);
    readAll.push(await readWholeLog(store, plan.readBatch));
    show('readAll', readAll.at(-1)!);
    verify.push(await verifyWholeLog(store, database));
    show('events:verify', verify.at(-1)!);
  }
  return { count, readAll, verify };
}

/**
 * The log's own root first (from the events table, for the rebuilds to be checked against), then
 * `plan.treeRebuilds` rebuilds of merkle_tree, then the proofs from the tree the last one left.
 */
async function treeMeasures(
  database: Database,
  store: EventStore,
  seed: number,
): Promise<TreeFigures> {
  const expected = await logTree(database);
  const rebuilds: RebuildPass[] = [];
  for (let pass = 0; pass < plan.treeRebuilds; pass++) {
    const p = await rebuildTree(database, store, expected);
    rebuilds.push(p);
    log(
      `merkle_tree rebuild: ${p.events} events in ${p.seconds.toFixed(2)} s, ` +
        `${Math.round(p.eventsPerSecond)} events/s (apply ${p.applySeconds.toFixed(2)} s); ` +
        `${p.leaves} leaves, root ${p.rootMatches ? 'is' : 'is NOT'} the log's`,
    );
  }
  // What autovacuum and the checkpointer do soon after a bulk write, done now: the proofs are
  // timed on the tree as the portal serves it, not on the rebuild's dead tiles, stale statistics
  // and dirty pages being written out.
  await sql`vacuum analyze merkle_tiles`.execute(database.db);
  await sql`checkpoint`.execute(database.db);
  const proofs = await measureProofs(database, { seed, ...plan.proofs });
  for (const [kind, t] of [
    ['inclusion', proofs.inclusion],
    ['consistency', proofs.consistency],
  ] as const)
    log(
      `${kind} proofs: p50 ${t.p50Ms.toFixed(2)} ms, p99 ${t.p99Ms.toFixed(2)} ms, ` +
        `max ${t.maxMs.toFixed(2)} ms, ${t.failures} failed`,
    );
  return { logSize: expected.size, rebuilds, proofs };
}

/** The auditor pages through HTTP when they respond, and the queries under them in any case. */
async function streamMeasures(database: Database, store: EventStore, seed: number) {
  const any = await sampleStreams(database, plan.streams, { seed, replayable: false });
  const replayable = await sampleStreams(database, plan.streams, { seed, replayable: true });
  const longest = await longestStreams(database);
  const underlying = underlyingQueries(database, store);
  const queries = {
    timeline: await timeEach(any, underlying.timeline),
    stateAsOfVersion: await timeEach(replayable, underlying.stateAsOfVersion),
  };
  const portal = await startAuditPortal(database, store, log);
  try {
    const respond = await auditRoutesRespond(portal.auditor);
    if (!respond) log('The auditor routes do not respond: HTTP figures missing');
    const http = respond
      ? await measurePages(
          portal.auditor,
          database,
          { any, replayable, longest },
          plan.searchRounds,
        )
      : null;
    return { figures: { http, queries }, accountsRebuildSeconds: portal.accountsRebuildSeconds };
  } finally {
    await portal.close();
  }
}

async function abort(keep: boolean): Promise<void> {
  log(`Time limit of ${plan.timeLimitMs / 1000} s reached, exiting.`);
  if (!keep) await dropAuditDatabase(serverUrl).catch(() => undefined);
  process.exit(2);
}

await main();
