/**
 * A command on a stream that grows all year (issue 22: «no stream replays on a hot request»): an
 * officer's month draft saved again and again, the month's stream already holding 10, 500 or
 * 2,000 drafts, each of six rows. Each save is the portal's command path (`handleCommand` on the
 * month's decider) through the store as the portal builds it, in this process, on PGlite and on
 * PostgreSQL, beside the named baseline measured in the same run: the store before the states
 * folded were remembered (streams remembered alone, up to 500 events, then read whole).
 *
 * Goal: a save on a 2,000-draft month costs at most 1.5 times the CPU of a save on a 10-draft
 * month. Five rounds over every case in turn, each on a month of its own. Figures: latency
 * p50/p99 over the rounds, this process's CPU per save (user and system; PGlite's work included,
 * PostgreSQL's not) as the median of the rounds, and the first save on a month the process has
 * not folded yet (after a restart, or once forgotten), which reads it whole. Run with
 * `npm run bench:streams`; writes bench/results/streams.json.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import { flowStream, monthlyFlowDecider } from '../domain/observatory/monthlyFlowDecider.js';
import type { FlowRow } from '../domain/observatory/flowEvents.js';
import { personalDataRules } from '../src/accounts/personalFields.js';
import { handleCommand } from '../src/platform/eventStore/commandHandler.js';
import type { EventStore, JsonObject, NewEvent } from '../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../src/platform/eventStore/postgresEventStore.js';
import { cachingEventStore } from '../src/platform/eventStore/streamCache.js';
import { KeyVault } from '../src/platform/personalData/keyVault.js';
import { sealedEventStore } from '../src/platform/personalData/sealedEventStore.js';
import { portalEventStore } from '../src/runtime.js';
import { openBenchDatabase, type Backend } from './support/benchDatabase.js';
import { timingOf, type Timing } from './support/timing.js';

const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const lengths = [10, 500, 2_000];
const saves = { warmup: 10, runs: 100, rounds: 5 };
const goalRatio = 1.5;
const month = '2026-11' as const;
const officerId = 'cf:RSSMRA80A01A662X';
const draftRows: FlowRow[] = ['200301', '200108', '150101', '200101', '150102', '200139'].map(
  (eerCode, index) => ({
    eerCode,
    tonnes: 120.5 + index,
    collectionMethod: 'porta a porta',
    transporter: `Trasporti Adriatici ${index}`,
    destinationPlant: `Impianto di Modugno ${index}`,
    operation: 'R3',
  }),
);

type Variant = 'states remembered' | 'baseline: streams remembered alone';

interface Row {
  readonly backend: Backend;
  readonly drafts: number;
  readonly variant: Variant;
  readonly timing: Timing;
  /** The median of the rounds: CPU per save, and the first save on a month not folded yet. */
  readonly cpuMsPerSave: number;
  readonly firstSaveMs: number;
}

const draft = (istatCode: string): NewEvent => ({
  type: 'FlowDraftSaved',
  // The event the command makes: its rows are plain JSON.
  data: { istatCode, month, rows: draftRows, savedBy: officerId } as unknown as JsonObject,
  metadata: {
    eventId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: { id: officerId, role: 'municipality' },
    clientIp: '203.0.113.7',
    occurredAt: new Date().toISOString(),
  },
});

/** A month whose stream holds `drafts` drafts, appended a hundred at a time. */
let municipalities = 0;
async function monthWith(store: EventStore, drafts: number): Promise<string> {
  const istatCode = String(100_000 + ++municipalities);
  for (let done = 0; done < drafts; done += 100) {
    const batch = Array.from({ length: Math.min(100, drafts - done) }, () => draft(istatCode));
    await store.appendToStream(flowStream.id(istatCode, month), batch);
  }
  return istatCode;
}

async function timeSaves(store: EventStore, istatCode: string) {
  const save = () =>
    handleCommand(
      store,
      monthlyFlowDecider,
      flowStream.id(istatCode, month),
      { type: 'SaveFlowDraft', istatCode, month, officerId, rows: draftRows, now: new Date() },
      {
        commandId: randomUUID(),
        correlationId: randomUUID(),
        actor: { id: officerId, role: 'municipality' },
        clientIp: '203.0.113.7',
        now: new Date(),
      },
    );
  // The first save on a month this process has not folded yet: the whole stream is read.
  const start = performance.now();
  await save();
  const firstMs = performance.now() - start;
  for (let i = 1; i < saves.warmup; i++) await save();
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < saves.runs; i++) {
    const start = performance.now();
    await save();
    latencies.push(performance.now() - start);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies, firstMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** V8's full collection, which node exposes only behind a flag set here before its first use. */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(backend: Backend): Promise<Row[]> {
  const bench = await openBenchDatabase(backend, serverUrl, 4);
  const plain = createPostgresEventStore(bench.database);
  const vault = new KeyVault(bench.database.db, randomBytes(32));
  const remembering = await portalEventStore(plain, bench.database, vault);
  try {
    const stores: Record<Variant, EventStore> = {
      'states remembered': remembering,
      'baseline: streams remembered alone': sealedEventStore(
        cachingEventStore(plain),
        vault,
        personalDataRules,
      ),
    };
    // One untimed round first, so that the first row measured is not the one that compiles.
    for (const store of Object.values(stores)) await timeSaves(store, await monthWith(plain, 10));
    const cases = lengths.flatMap((drafts) =>
      (Object.keys(stores) as Variant[]).map((variant) => ({ drafts, variant })),
    );
    const figures = cases.map(() => ({
      latencies: [] as number[],
      firstMs: [] as number[],
      cpuMs: [] as number[],
    }));
    // Rounds over every case in turn, each on a month of its own: the machine's drift falls on all.
    for (let round = 0; round < saves.rounds; round++) {
      for (const [index, { drafts, variant }] of cases.entries()) {
        const istatCode = await monthWith(plain, drafts);
        // The drafts just written are not left for autovacuum to take in during the measure.
        await sql`vacuum analyze events`.execute(bench.database.db);
        await bench.settle();
        // The garbage of the case before (a baseline's whole reads) is not this one's to collect.
        collectGarbage();
        const measured = await timeSaves(stores[variant], istatCode);
        figures[index]!.latencies.push(...measured.latencies);
        figures[index]!.firstMs.push(measured.firstMs);
        figures[index]!.cpuMs.push(measured.cpuMs / saves.runs);
      }
    }
    return cases.map(({ drafts, variant }, index) => {
      const { latencies, firstMs, cpuMs } = figures[index]!;
      const row = {
        backend,
        drafts,
        variant,
        timing: timingOf(latencies),
        firstSaveMs: median(firstMs),
        cpuMsPerSave: median(cpuMs),
      };
      console.log(
        `${backend.padEnd(8)} ${String(drafts).padStart(5)} drafts  ${variant.padEnd(34)} ` +
          `p50 ${row.timing.p50Ms.toFixed(2)} ms  p99 ${row.timing.p99Ms.toFixed(2)} ms  ` +
          `CPU ${row.cpuMsPerSave.toFixed(2)} ms/save  first save ${row.firstSaveMs.toFixed(1)} ms`,
      );
      return row;
    });
  } finally {
    await remembering.close();
    await bench.close();
  }
}

function report(rows: readonly Row[]) {
  const find = (backend: Backend, drafts: number, variant: Variant) =>
    rows.find(
      (row) => row.backend === backend && row.drafts === drafts && row.variant === variant,
    )!;
  const longest = lengths.at(-1)!;
  const shortest = lengths[0]!;
  const checks = (['pglite', 'postgres'] as const).flatMap((backend) => {
    const remembered = (drafts: number) => find(backend, drafts, 'states remembered');
    const baseline = (drafts: number) =>
      find(backend, drafts, 'baseline: streams remembered alone');
    const ratio = remembered(longest).cpuMsPerSave / remembered(shortest).cpuMsPerSave;
    return [
      {
        name: `${backend}: CPU per save, ${longest} drafts / ${shortest} drafts`,
        actual: ratio,
        goal: goalRatio,
        pass: ratio <= goalRatio,
        baselineRatio: baseline(longest).cpuMsPerSave / baseline(shortest).cpuMsPerSave,
        againstBaseline: remembered(longest).cpuMsPerSave / baseline(longest).cpuMsPerSave,
      },
    ];
  });
  console.log('');
  for (const check of checks) {
    console.log(
      `${check.pass ? 'PASS' : 'MISS'}  ${check.name}: ${check.actual.toFixed(2)} (goal ≤ ${check.goal}; ` +
        `baseline ${check.baselineRatio.toFixed(2)}); at ${longest} drafts, ` +
        `${check.againstBaseline.toFixed(2)} × the baseline's CPU`,
    );
  }
  return checks;
}

const results: Row[] = [];
for (const backend of ['pglite', 'postgres'] as const) results.push(...(await measure(backend)));
const checks = report(results);
const out = path.join(import.meta.dirname, 'results', 'streams.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(
  out,
  `${JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, rows: results, checks }, null, 2)}\n`,
);
console.log(`\nWritten to ${path.relative(process.cwd(), out)}`);
