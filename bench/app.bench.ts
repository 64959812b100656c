/**
 * The portal as people meet it (issue 22), as a process of its own, on both backends, each
 * figure beside its goal (PASS/MISS; a figure without a goal is shown alone):
 * - starts: `npm start` on a fresh PGlite folder (demo data included; the sources compiled first,
 *   as after `npm ci`) and on the same folder again, the same two with the build (`npm run build`, `node dist/main.js`), and both
 *   on PostgreSQL (DATABASE_URL, or the local server: a fresh `dichiara_bench_app`, the demo
 *   seeded beforehand, dropped after); `npm start` after the load was added with no portal
 *   running (its events to take in), then again (a restart);
 * - the running portal, from the build as in production, with 20 Ditte of 2 contracts each made
 *   beforehand through the commands: resident memory idle; an officer's month draft saved and
 *   the page that shows it, one after the other; the declaration typed online («Compila
 *   online», step 3) saved and the wizard that shows it; then the 20 Ditte each preparing a
 *   draft and pressing INVIA at the same moment, twice (the first round warms up): INVIA's
 *   latency and the server's CPU per INVIA, and the highest resident memory the process reached;
 * - on PostgreSQL, `projections:rebuild` of every read model on the 1,000,000-event log of
 *   bench:audit's generator (kept as `dichiara_bench_audit` between runs; generated the first
 *   time, a few minutes), beside the baseline of reading that log once, with a reader counting a
 *   read model's rows all along (pages are served meanwhile only if it never finds the table
 *   empty or missing) and a visitor of a portal on that database asking a public page that reads
 *   a read model, beside the same page before the rebuild; and the CPU time the whole machine
 *   spent meanwhile (the CLI's, and the rest: PostgreSQL's mostly), which bounds the rebuild's
 *   time from below on this many cores;
 * The server's CPU is read from /proc: user and system time of the portal's main thread, the one
 * event loop every request waits on (the measure and goal), and of its whole process
 * beside it (GC helpers, the render thread, PGlite's). Run with `npm run bench:app` (`--skip-rebuild` leaves the 1,000,000-event
 * rebuild out); writes bench/results/app.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import { demoOfficerBari } from '../src/dev/demoIdentities.js';
import { openPostgres, type Database } from '../src/platform/db/database.js';
import { subscriberKind } from '../src/platform/subscriptions/projection.js';
import { testProjections } from '../test/support/testApp.js';
import { pino } from 'pino';
import { createPostgresEventStore } from '../src/platform/eventStore/postgresEventStore.js';
import { TestClient } from '../test/support/client.js';
import { browserLoggedInAs } from '../test/support/identityLogin.js';
import { monthToFile } from '../test/support/observatoryJourney.js';
import {
  cpuPerOperation,
  machineCpu,
  fromBuild,
  npmStart,
  killPortals,
  processFigures,
  root,
  runCli,
  startPortal,
  stopPortal,
  type Started,
  type Storage,
} from './support/appProcess.js';
import { prepareRound, seedLoad, signInLoad } from './support/appLoad.js';
import { auditDatabaseExists, auditDatabaseUrl } from './support/auditLogDatabase.js';
import { readWholeLog } from './support/auditLogVerify.js';
import { adminQuery } from './support/benchDatabase.js';
import { submitConcurrently } from './support/declarationFiling.js';
import { generateInFreshDatabase, generationDefaults } from './support/generateAuditLog.js';
import { timingOf, type Timing } from './support/timing.js';

const { values: options } = parseArgs({ options: { 'skip-rebuild': { type: 'boolean' } } });
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const saves = { warmup: 20, runs: 200 };
const load = { declarants: 20, contractsEach: 2 };
/** The demo's campaign: the current year's. */
const year = new Date().getFullYear();

/** The goals of the table, for the rows this run measures. */
const goals = {
  rebuildSeconds: 30,
  freshStartMs: 8_000,
  existingStartMs: 3_000,
  idleRssMb: { pglite: 300, postgres: 150 },
  loadRssMb: { pglite: 450, postgres: 250 },
  draftSaveP99Ms: 30,
  draftSaveCpuMs: 5,
  stepSaveP99Ms: 50,
  stepSaveCpuMs: 10,
};

type Backend = 'pglite' | 'postgres';

/** Folders made by this run: removed at the end. */
const folders: string[] = [];
const scratch = () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dichiara-bench-app-'));
  folders.push(folder);
  return folder;
};
// npm start's compiled sources in a folder of this run's (scripts/compiledSources.mjs): its first
// start compiles them, as after `npm ci`, and no other portal's are touched.
process.env.COMPILED_SOURCES_DIR = scratch();

/** A POST that must answer 303, and the page it leads to, as a browser follows it. */
async function postAndShow(client: TestClient, url: string, fields: Record<string, string>) {
  const answer = await client.post(url, fields);
  const location = answer.headers.location;
  if (answer.statusCode !== 303 || typeof location !== 'string')
    throw new Error(`${url} answered ${answer.statusCode}: ${answer.body.slice(0, 300)}`);
  const page = await client.get(location);
  if (page.statusCode !== 200) throw new Error(`${location} answered ${page.statusCode}`);
  return page.body;
}

/** `runs` operations one after the other, after `warmup`: their latencies and the server's CPU. */
async function timedOn(portal: Started, operation: () => Promise<void>) {
  for (let i = 0; i < saves.warmup; i++) await operation();
  const latencies: number[] = [];
  const cpu = await cpuPerOperation(portal, async () => {
    for (let i = 0; i < saves.runs; i++) {
      const start = performance.now();
      await operation();
      latencies.push(performance.now() - start);
    }
    return saves.runs;
  });
  return { timing: timingOf(latencies), cpu };
}

/** An officer's month draft saved, as the form posts it, and the month's page that shows it. */
async function draftSaves(portal: Started) {
  const browser = await browserLoggedInAs(portal.url, demoOfficerBari);
  const { month } = monthToFile(new Date());
  const page = `/osservatorio/comune/${month}`;
  await browser.get(page);
  return timedOn(portal, async () => {
    const answer = await browser.post(page, {
      commandId: randomUUID(),
      azione: 'bozza',
      'righe[0][eerCode]': '200301',
      'righe[0][tonnellate]': '812,4',
      'righe[0][modalita]': 'porta-a-porta',
      'righe[0][trasportatore]': 'Igiene Srl',
      'righe[0][impianto]': 'TMB Bari',
      'righe[0][operazione]': 'D8',
    });
    if (answer.status !== 303 || !answer.location)
      throw new Error(`A draft save answered ${answer.status}`);
    const shown = await browser.get(answer.location);
    if (!shown.body.includes('812,4')) throw new Error('The month does not show the draft saved');
  });
}

/** The declaration typed online and saved (step 3), and the wizard that says it was. */
async function stepSaves(portal: Started) {
  const client = new TestClient(portal.url);
  await client.post('/accesso', { username: 'ditta.demo', password: 'Ditta-2026' });
  const online = `/dichiarazioni/${year}/3001234567/online`;
  await client.get(online);
  return timedOn(portal, async () => {
    const wizard = await postAndShow(client, online, {
      azione: 'salva',
      'dichiarazione[B10]': '1000',
      'dichiarazione[B11]': '231',
      'righe[fonti]': '1',
      'fonti[A2]': 'Acquedotto',
      'fonti[B2]': '1001234567',
      'fonti[C2]': 'AQ-001',
      'fonti[D2]': '10000',
      'fonti[E2]': '11000',
      'fonti[F2]': 'No',
      'fonti[G2]': '1000',
      'righe[contatori]': '1',
      'contatori[A2]': 'SC-1',
      'contatori[B2]': '0',
      'contatori[C2]': '1000',
      'contatori[D2]': 'No',
      'contatori[E2]': '1000',
      'righe[detrazioni]': '1',
    });
    if (!wizard.includes('salvata nella bozza'))
      throw new Error('The wizard does not say the workbook was saved');
  });
}

/** Idle, the two saves, then the load's two rounds of INVIA; the process's peak at the end. */
async function measureRunning(portal: Started) {
  const pid = portal.pid;
  // Idle: the start-up's catch-up and the first mails behind it.
  await sleep(5_000);
  const idle = processFigures(pid);
  const draft = await draftSaves(portal);
  const step = await stepSaves(portal);
  const declarants = await signInLoad(portal, load, year);
  const warmup = await submitConcurrently(await prepareRound(declarants, year, 0));
  const queues = await prepareRound(declarants, year, 1);
  let invia = warmup;
  const inviaCpu = await cpuPerOperation(portal, async () => {
    invia = await submitConcurrently(queues);
    return invia.submissions;
  });
  const failures = [...warmup.failures, ...invia.failures];
  if (failures.length > 0) throw new Error(`INVIA failed:\n${failures.join('\n')}`);
  return {
    idle,
    draft,
    step,
    invia: { timing: timingOf(invia.latencies), cpu: inviaCpu },
    peak: processFigures(pid),
  };
}

type Running = Awaited<ReturnType<typeof measureRunning>>;

/** Started from the build, as in production, measured, stopped. */
async function measuredBuild(storage: Storage) {
  const started = await startPortal(storage, fromBuild);
  try {
    return { buildMs: started.ms, ...(await measureRunning(started)) };
  } finally {
    await stopPortal(started);
  }
}

/**
 * `npm start` twice on a storage the load was added to with no portal running: the first start
 * takes in the load's events (read models, the process manager that validates its contracts), the
 * second is a restart, its read models at the head.
 */
async function npmRestarts(storage: Storage) {
  const first = await startPortal(storage, npmStart);
  await untilCaughtUp(first);
  await stopPortal(first);
  return { catchUpMs: first.ms, existingMs: await timedStart(storage) };
}

/** Until /readyz shows no subscriber behind the log's head (within a minute). */
async function untilCaughtUp(portal: Started) {
  for (const began = performance.now(); performance.now() - began < 60_000; await sleep(100)) {
    const answer = await fetch(`${portal.url}/readyz`);
    const { projections } = (await answer.json()) as { projections: { behind: boolean }[] };
    if (projections.every((projection) => !projection.behind)) return;
  }
  throw new Error('The portal did not take in the log within a minute');
}

/** `npm start` on a storage, timed, stopped. */
async function timedStart(storage: Storage) {
  const started = await startPortal(storage, npmStart);
  await stopPortal(started);
  return started.ms;
}

/**
 * The embedded default: `npm start` on a fresh folder (demo seeded), its sources not yet compiled
 * (as after `npm ci`), and again after the load's Ditte were added; then the build on it, measured.
 */
async function onPglite() {
  const storage: Storage = { dataDir: scratch(), databaseUrl: null };
  const fresh = await startPortal(storage, npmStart);
  await sleep(5_000);
  const afterSeed = processFigures(fresh.pid);
  await stopPortal(fresh);
  await seedLoad(storage, load);
  const { catchUpMs, existingMs } = await npmRestarts(storage);
  return { freshMs: fresh.ms, afterSeed, catchUpMs, existingMs, ...(await measuredBuild(storage)) };
}

const appDatabase = 'dichiara_bench_app';

/** PostgreSQL: a fresh database, the demo and the load seeded; `npm start`, then the build. */
async function onPostgres() {
  const url = new URL(serverUrl);
  url.pathname = `/${appDatabase}`;
  await adminQuery(serverUrl, `drop database if exists ${appDatabase} with (force)`);
  await adminQuery(serverUrl, `create database ${appDatabase}`);
  try {
    const storage: Storage = { dataDir: scratch(), databaseUrl: url.toString() };
    await seedLoad(storage, load);
    const { catchUpMs, existingMs } = await npmRestarts(storage);
    return { catchUpMs, existingMs, ...(await measuredBuild(storage)) };
  } finally {
    await adminQuery(serverUrl, `drop database if exists ${appDatabase} with (force)`);
  }
}

/** A fresh folder's start, then the same folder's, each stopped. */
async function startTwice(entry: readonly string[]): Promise<{ fresh: number; existing: number }> {
  const storage: Storage = { dataDir: scratch(), databaseUrl: null };
  const fresh = await startPortal(storage, entry);
  await stopPortal(fresh);
  const existing = await startPortal(storage, entry);
  await stopPortal(existing);
  return { fresh: fresh.ms, existing: existing.ms };
}

const serverReachable = await adminQuery(serverUrl, 'select 1').then(
  () => true,
  () => false,
);

/** A public page that reads a read model (the observatory's open data), as a visitor asks it. */
const openDataPage = async (portal: Started) => {
  const start = performance.now();
  const page = await fetch(`${portal.url}/osservatorio/dati-aperti`);
  await page.text();
  if (page.status !== 200) throw new Error(`/osservatorio/dati-aperti answered ${page.status}`);
  return performance.now() - start;
};

/**
 * `projections:rebuild` of every read model on the generated log, as a process of its own, while
 * this process counts the contracts read model's rows every 50 ms and a portal on that database
 * (the build) serves the open data page to a visitor; the baselines: the log read once in batches
 * of 5,000 in this process, and the same page before the rebuild. The portal's first start on the
 * kept log sends the reminders then due, which stay in it.
 */
async function rebuildOnMillion() {
  if (!(await auditDatabaseExists(serverUrl))) {
    console.error('Generating the 1,000,000-event log once (kept as dichiara_bench_audit)…');
    await generateInFreshDatabase(serverUrl, generationDefaults);
  }
  const url = auditDatabaseUrl(serverUrl);
  const database = await openPostgres(url, { poolSize: 2 });
  try {
    // The read models are whole before the measured rebuild: the first run builds them.
    await runRebuild(url);
    const baseline = await readWholeLog(createPostgresEventStore(database), 5_000);
    await reactorsAtHead(database);
    const portal = await startPortal(auditStorage(url), fromBuild);
    try {
      const idlePage: number[] = [];
      for (let i = 0; i < 50; i++) idlePage.push(await openDataPage(portal));
      let [probes, emptyOrMissing, probing] = [0, 0, true];
      const probe = (async () => {
        while (probing) {
          const rows = await sql<{ n: number }>`select count(*)::int as n from contracts`
            .execute(database.db)
            .then(
              (result) => result.rows[0]!.n,
              () => 0,
            );
          probes++;
          if (rows === 0) emptyOrMissing++;
          await sleep(50);
        }
      })();
      const rebuildingPage: number[] = [];
      let pageFailures = 0;
      // A visitor every 100 ms: the page asked meanwhile, without taking the cores from the rebuild.
      const visitor = (async () => {
        while (probing) {
          await openDataPage(portal).then(
            (ms) => rebuildingPage.push(ms),
            () => pageFailures++,
          );
          await sleep(100);
        }
      })();
      const began = performance.now();
      const cpuBefore = machineCpu();
      const rebuilt = runRebuild(url).finally(() => (probing = false));
      await Promise.all([rebuilt, probe, visitor]);
      const seconds = (performance.now() - began) / 1000;
      const cpuAfter = machineCpu();
      const cpuSeconds = (key: keyof typeof cpuAfter) => (cpuAfter[key] - cpuBefore[key]) / 1000;
      return {
        seconds,
        cpu: {
          busySeconds: cpuSeconds('busyMs'),
          cliSeconds: cpuSeconds('endedChildrenMs'),
          stolenSeconds: cpuSeconds('stolenMs'),
        },
        readLogSeconds: baseline.seconds,
        events: baseline.events,
        probes,
        emptyOrMissing,
        page: { idle: timingOf(idlePage), rebuilding: timingOf(rebuildingPage), pageFailures },
      };
    } finally {
      await stopPortal(portal);
    }
  } finally {
    await database.close();
  }
}

/**
 * The generated log as the portal that recorded it would have left it: its reactors and process
 * managers at the head (they ran as it grew), so that a portal started on it sends no mail of the
 * past and gives no command again. Their checkpoints are made only where there are none.
 */
async function reactorsAtHead(database: Database): Promise<void> {
  const store = createPostgresEventStore(database);
  const head = await store.headPosition();
  if (!head) return;
  const names = testProjections({ db: database.db, store, logger: pino({ level: 'silent' }) })
    .filter((subscriber) => subscriberKind(subscriber) !== 'read-model')
    .map((subscriber) => subscriber.name);
  await database.db
    .insertInto('projection_checkpoints')
    .values(
      names.map((name) => ({
        name,
        commit_position: head.commit,
        prepare_position: head.prepare,
        updated_at: new Date(),
      })),
    )
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/**
 * Every process on the kept log, under one master key of personal data: a key the portal makes
 * for what it records there must open in the next run's rebuild.
 */
const auditStorage = (url: string): Storage => ({
  dataDir: scratch(),
  databaseUrl: url,
  personalDataKey: Buffer.alloc(32, 'dichiara-bench-audit').toString('base64'),
});

const runRebuild = (url: string) => runCli(auditStorage(url), ['projections:rebuild']);

try {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
  const built = await startTwice(fromBuild);
  const pglite = await onPglite();
  const postgres = serverReachable ? await onPostgres() : null;
  if (!postgres) console.log(`PostgreSQL: not measured, no server at ${serverUrl}`);
  const rebuild = options['skip-rebuild'] || !serverReachable ? null : await rebuildOnMillion();

  const perBackend = (backend: Backend, run: Running) => {
    const on = `${backend === 'pglite' ? 'PGlite' : 'PostgreSQL'}, build`;
    return [
      [`server RSS idle (${on}), MB`, run.idle.rssMb, goals.idleRssMb[backend]],
      [
        `observatory draft saved → page shows it (${on}), p99 ms`,
        run.draft.timing.p99Ms,
        goals.draftSaveP99Ms,
      ],
      [
        `server main-thread CPU per draft save (${on}), ms`,
        run.draft.cpu.mainMs,
        goals.draftSaveCpuMs,
      ],
      [`server CPU per draft save, all threads (${on}), ms`, run.draft.cpu.processMs, null],
      [
        `declaration step saved → wizard shows it (${on}), p99 ms`,
        run.step.timing.p99Ms,
        goals.stepSaveP99Ms,
      ],
      [
        `server main-thread CPU per step save (${on}), ms`,
        run.step.cpu.mainMs,
        goals.stepSaveCpuMs,
      ],
      [`server CPU per step save, all threads (${on}), ms`, run.step.cpu.processMs, null],
      [`INVIA, ${load.declarants} Ditte at once (${on}), p99 ms`, run.invia.timing.p99Ms, null],
      [`server main-thread CPU per INVIA (${on}), ms`, run.invia.cpu.mainMs, null],
      [`server CPU per INVIA, all threads (${on}), ms`, run.invia.cpu.processMs, null],
      [
        `server RSS at its highest, ${load.declarants} Ditte's load on (${on}), MB`,
        run.peak.peakRssMb,
        goals.loadRssMb[backend],
      ],
    ] as const;
  };
  const rows: (readonly [string, number, number | null])[] = [
    ...(rebuild
      ? ([
          [
            `rebuild of all read models, ${rebuild.events.toLocaleString('en')} events (PostgreSQL), s`,
            rebuild.seconds,
            goals.rebuildSeconds,
          ],
          [
            `rebuild: read model found empty or missing, of ${rebuild.probes} reads`,
            rebuild.emptyOrMissing,
            0,
          ],
          [
            `rebuild: open data page meanwhile, p99 ms (${rebuild.page.rebuilding.runs} visits)`,
            rebuild.page.rebuilding.p99Ms,
            null,
          ],
          ['rebuild: open data page not served meanwhile', rebuild.page.pageFailures, 0],
        ] as const)
      : []),
    ['npm start, fresh PGlite folder → /healthz, ms', pglite.freshMs, goals.freshStartMs],
    [
      'npm start, existing PGlite folder, the load to take in → /healthz, ms',
      pglite.catchUpMs,
      null,
    ],
    ['npm start, existing PGlite folder → /healthz, ms', pglite.existingMs, goals.existingStartMs],
    ['node dist/main.js, fresh PGlite folder → /healthz, ms', built.fresh, goals.freshStartMs],
    [
      'node dist/main.js, existing PGlite folder → /healthz, ms',
      built.existing,
      goals.existingStartMs,
    ],
    ...(postgres
      ? ([
          ['npm start, PostgreSQL, the load to take in → /healthz, ms', postgres.catchUpMs, null],
          ['npm start, PostgreSQL → /healthz, ms', postgres.existingMs, goals.existingStartMs],
          ['node dist/main.js, PostgreSQL → /healthz, ms', postgres.buildMs, goals.existingStartMs],
        ] as const)
      : []),
    [
      'server RSS after the first start, demo seeded (PGlite), MB',
      pglite.afterSeed.rssMb,
      goals.loadRssMb.pglite,
    ],
    ...perBackend('pglite', pglite),
    ...(postgres ? perBackend('postgres', postgres) : []),
  ];
  const figures = rows.map(([name, actual, goal]) => ({
    name,
    actual: Math.round(actual * 10) / 10,
    goal,
    pass: goal === null ? null : actual <= goal,
  }));
  console.log(`bench:app — ${os.cpus().length} cores, Node ${process.version}`);
  for (const row of figures) {
    const verdict =
      row.pass === null ? '' : `goal ≤ ${String(row.goal).padEnd(6)} ${row.pass ? 'PASS' : 'MISS'}`;
    console.log(`${row.name.padEnd(72)} ${String(row.actual).padStart(9)}  ${verdict}`);
  }
  if (rebuild) {
    console.log(
      `rebuild: ${rebuild.seconds.toFixed(1)} s; the log read once (baseline): ${rebuild.readLogSeconds.toFixed(1)} s, ratio ${(rebuild.seconds / rebuild.readLogSeconds).toFixed(2)}`,
    );
    const { busySeconds, cliSeconds, stolenSeconds } = rebuild.cpu;
    const cores = os.cpus().length;
    console.log(
      `rebuild: CPU meanwhile, all ${cores} cores: ${busySeconds.toFixed(1)} s (the CLI ${cliSeconds.toFixed(1)} s; PostgreSQL, the portal and the rest ${(busySeconds - cliSeconds).toFixed(1)} s), ${stolenSeconds.toFixed(1)} s stolen by the hypervisor: at least ${(busySeconds / cores).toFixed(1)} s on ${cores} cores, however well it overlapped`,
    );
    const { idle, rebuilding } = rebuild.page;
    console.log(
      `open data page: p99 ${rebuilding.p99Ms.toFixed(1)} ms during the rebuild, ${idle.p99Ms.toFixed(1)} ms before it (baseline), ratio ${(rebuilding.p99Ms / idle.p99Ms).toFixed(2)}; p50 ${rebuilding.p50Ms.toFixed(1)} / ${idle.p50Ms.toFixed(1)} ms`,
    );
  }
  const latencies = (name: string, timing: Timing) =>
    console.log(
      `${name}: p50 ${timing.p50Ms.toFixed(1)} ms, mean ${timing.meanMs.toFixed(1)} ms, max ${timing.maxMs.toFixed(1)} ms over ${timing.runs}`,
    );
  for (const [backend, run] of [
    ['PGlite', pglite],
    ['PostgreSQL', postgres],
  ] as const) {
    if (!run) continue;
    latencies(`draft save (${backend})`, run.draft.timing);
    latencies(`step save (${backend})`, run.step.timing);
    latencies(`INVIA (${backend})`, run.invia.timing);
  }
  const results = path.join(root, 'bench', 'results');
  await mkdir(results, { recursive: true });
  await writeFile(
    path.join(results, 'app.json'),
    `${JSON.stringify({ at: new Date().toISOString(), load, figures, pglite, postgres, rebuild }, null, 2)}\n`,
  );
} finally {
  killPortals();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}
