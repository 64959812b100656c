/**
 * A command on a stream that grows all year (issue 22: «no stream replays on a hot request»): an
 * officer's month draft saved again and again, the month's stream already holding 10, 500 or
 * 2,000 drafts, each of six rows. Each save is the portal's command path (`handleCommand` on the
 * month's decider) through the store as the portal builds it, in this process, on PGlite and on
 * PostgreSQL, beside the named baseline measured in the same run: the store before the states
 * folded were remembered (streams remembered alone, up to 500 events, then read whole).
 *
 * Goal: a save on a 2,000-draft month costs at most 1.5 times the CPU of a save on a 10-draft
 * month. Figures: latency p50/p99 and this process's CPU per save (user and system; PGlite's work
 * included, PostgreSQL's not). Run with `npm run bench:streams`; writes bench/results/streams.json.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
const saves = { warmup: 10, runs: 200 };
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
  readonly cpuMsPerSave: number;
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
  for (let i = 0; i < saves.warmup; i++) await save();
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < saves.runs; i++) {
    const start = performance.now();
    await save();
    latencies.push(performance.now() - start);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { timing: timingOf(latencies), cpuMsPerSave: (cpu.user + cpu.system) / 1000 / saves.runs };
}

async function measure(backend: Backend): Promise<Row[]> {
  const bench = await openBenchDatabase(backend, serverUrl, 4);
  try {
    const plain = createPostgresEventStore(bench.database);
    const vault = new KeyVault(bench.database.db, randomBytes(32));
    const stores: Record<Variant, EventStore> = {
      'states remembered': portalEventStore(plain, vault),
      'baseline: streams remembered alone': sealedEventStore(
        cachingEventStore(plain),
        vault,
        personalDataRules,
      ),
    };
    // One untimed round first, so that the first row measured is not the one that compiles.
    for (const store of Object.values(stores)) await timeSaves(store, await monthWith(plain, 10));
    const measured: Row[] = [];
    for (const drafts of lengths) {
      // Each variant its own month of the same length, measured one after the other.
      for (const variant of Object.keys(stores) as Variant[]) {
        const istatCode = await monthWith(plain, drafts);
        await bench.settle();
        const figures = await timeSaves(stores[variant], istatCode);
        measured.push({ backend, drafts, variant, ...figures });
        console.log(
          `${backend.padEnd(8)} ${String(drafts).padStart(5)} drafts  ${variant.padEnd(34)} ` +
            `p50 ${figures.timing.p50Ms.toFixed(2)} ms  p99 ${figures.timing.p99Ms.toFixed(2)} ms  ` +
            `CPU ${figures.cpuMsPerSave.toFixed(2)} ms/save`,
        );
      }
    }
    return measured;
  } finally {
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
