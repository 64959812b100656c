/**
 * The portal as people meet it (issue 22):
 * - on the embedded default, `npm start` as a process of its own on a fresh PGlite folder (first
 *   start, demo data included), then on the same folder again, and the same two with the build
 *   (`npm run build`, then `node dist/main.js`); its resident memory idle and after a burst of
 *   saves; an officer's month draft saved through HTTP, with the server's CPU per save;
 * - on PostgreSQL (DATABASE_URL, or the local server), `projections:rebuild` of every read model
 *   on the 1,000,000-event log of bench:audit's generator (kept as `dichiara_bench_audit` between
 *   runs; generated the first time, a few minutes), beside the baseline of reading that log
 *   once, with a reader counting a read model's rows all along: pages are served meanwhile only
 *   if it never finds the table empty or missing.
 * Run with `npm run bench:app` (`--skip-rebuild` leaves the PostgreSQL part out). Prints each
 * figure beside its goal (PASS/MISS) and writes bench/results/app.json.
 *
 * Not measured here yet (the other rows): the declaration wizard's step, INVIA, and the
 * RSS and saves on PostgreSQL.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoOfficerBari } from '../src/dev/demoIdentities.js';
import { browserLoggedInAs } from '../test/support/identityLogin.js';
import { monthToFile } from '../test/support/observatoryJourney.js';
import { timingOf, type Timing } from './support/timing.js';
import { sql } from 'kysely';
import { parseArgs } from 'node:util';
import { openPostgres } from '../src/platform/db/database.js';
import { createPostgresEventStore } from '../src/platform/eventStore/postgresEventStore.js';
import { auditDatabaseExists, auditDatabaseUrl } from './support/auditLogDatabase.js';
import { readWholeLog } from './support/auditLogVerify.js';
import { generateInFreshDatabase, generationDefaults } from './support/generateAuditLog.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: options } = parseArgs({ options: { 'skip-rebuild': { type: 'boolean' } } });
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const saves = { warmup: 20, runs: 200 };

/** The goals of the table, for the rows this run measures. */
const goals = {
  rebuildSeconds: 30,
  freshStartMs: 8_000,
  existingStartMs: 3_000,
  idleRssMb: 300,
  peakRssMb: 450,
  draftSaveP99Ms: 30,
  draftSaveCpuMs: 5,
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Clock ticks a second in /proc/<pid>/stat: 100 on Linux, asked once. */
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** Resident memory now and at its highest, and CPU time (user + system) of a process, from /proc. */
function processFigures(pid: number): { rssMb: number; peakRssMb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  // Fields 14 and 15 of /proc/<pid>/stat, after the command's parenthesised name.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return {
    rssMb: kb('VmRSS') / 1024,
    peakRssMb: kb('VmHWM') / 1024,
    cpuMs: (ticks * 1000) / ticksPerSecond,
  };
}

/** Every portal this run started: killed at the end whatever happened. */
const children: ChildProcess[] = [];
const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly ms: number;
}

/**
 * `npm start` without npm in between (so the pid is the portal's), on the embedded default
 * whatever the caller's environment says: ready once /healthz answers, within a minute.
 */
async function startPortal(dataDir: string, entry: readonly string[]): Promise<Started> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'KURRENTDB_URL', 'SMTP_URL', 'OIDC_ISSUER']) delete env[key];
  const began = performance.now();
  const child = spawn(process.execPath, entry, {
    cwd: root,
    env: { ...env, DATA_DIR: dataDir, PORT: String(port), NODE_ENV: 'development' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const failed = new Promise<never>((_, reject) => child.once('error', reject));
  failed.catch(() => undefined);
  const url = `http://127.0.0.1:${port}`;
  while (performance.now() - began < 60_000) {
    if (exited(child)) throw new Error(`The portal stopped: ${child.exitCode ?? child.signalCode}`);
    const ready = await Promise.race([
      fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.ok,
        () => false,
      ),
      failed,
    ]);
    if (ready) return { child, url, ms: performance.now() - began };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('The portal did not answer /healthz within a minute');
}

/** SIGTERM, as Ctrl-C would; SIGKILL if it has not stopped in 20 s. */
async function stopPortal({ child }: Started): Promise<void> {
  if (exited(child)) return;
  const stopped = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await stopped;
  clearTimeout(timer);
}

/** An officer's month draft saved again and again, as the form posts it (303 to the page). */
async function draftSaves(portal: Started): Promise<{ timing: Timing; cpuMsPerSave: number }> {
  const browser = await browserLoggedInAs(portal.url, demoOfficerBari);
  const { month } = monthToFile(new Date());
  const page = `/osservatorio/comune/${month}`;
  await browser.get(page);
  const save = async () => {
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
    if (answer.status !== 303) throw new Error(`A draft save answered ${answer.status}`);
  };
  for (let i = 0; i < saves.warmup; i++) await save();
  const pid = portal.child.pid!;
  const cpuBefore = processFigures(pid).cpuMs;
  const latencies: number[] = [];
  for (let i = 0; i < saves.runs; i++) {
    const start = performance.now();
    await save();
    latencies.push(performance.now() - start);
  }
  const cpuMsPerSave = (processFigures(pid).cpuMs - cpuBefore) / saves.runs;
  return { timing: timingOf(latencies), cpuMsPerSave };
}

/** `npm start`, and the build's `node dist/main.js`. */
const fromSources = ['--import', 'tsx', 'src/main.ts'];
const fromBuild = ['dist/main.js'];

/** A fresh folder's start, then the same folder's, each stopped; the folder is removed. */
async function startTwice(entry: readonly string[]): Promise<{ fresh: number; existing: number }> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dichiara-bench-app-'));
  try {
    const fresh = await startPortal(folder, entry);
    await stopPortal(fresh);
    const existing = await startPortal(folder, entry);
    await stopPortal(existing);
    return { fresh: fresh.ms, existing: existing.ms };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * `projections:rebuild` of every read model on the generated log, as a process of its own, while
 * this process counts the contracts read model's rows every 50 ms; and the baseline, the log read
 * once in batches of 5,000 in this process.
 */
async function rebuildOnMillion(): Promise<{
  seconds: number;
  readLogSeconds: number;
  events: number;
  probes: number;
  emptyOrMissing: number;
}> {
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
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const began = performance.now();
    await runRebuild(url);
    const seconds = (performance.now() - began) / 1000;
    probing = false;
    await probe;
    return {
      seconds,
      readLogSeconds: baseline.seconds,
      events: baseline.events,
      probes,
      emptyOrMissing,
    };
  } finally {
    await database.close();
  }
}

async function runRebuild(url: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'projections:rebuild'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`projections:rebuild exited with ${String(code)}`);
}

const rebuild = options['skip-rebuild'] ? null : await rebuildOnMillion();
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
const built = await startTwice(fromBuild);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dichiara-bench-app-'));
try {
  const fresh = await startPortal(dataDir, fromSources);
  // The first start seeds the demo data: what it holds after, once settled.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const afterSeed = processFigures(fresh.child.pid!);
  await stopPortal(fresh);
  const existing = await startPortal(dataDir, fromSources);
  // Idle: the start-up's catch-up and the first mails behind it.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const idle = processFigures(existing.child.pid!);
  const draft = await draftSaves(existing);
  const peak = processFigures(existing.child.pid!);
  await stopPortal(existing);

  const rows = [
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
        ] as const)
      : []),
    ['npm start, fresh PGlite folder → /healthz, ms', fresh.ms, goals.freshStartMs],
    ['npm start, existing PGlite folder → /healthz, ms', existing.ms, goals.existingStartMs],
    ['node dist/main.js, fresh PGlite folder → /healthz, ms', built.fresh, goals.freshStartMs],
    [
      'node dist/main.js, existing PGlite folder → /healthz, ms',
      built.existing,
      goals.existingStartMs,
    ],
    ['server RSS idle (PGlite), MB', idle.rssMb, goals.idleRssMb],
    [
      'server RSS after the first start, demo seeded (PGlite), MB',
      afterSeed.rssMb,
      goals.peakRssMb,
    ],
    [
      `server RSS at its highest, ${saves.runs + saves.warmup} saves on (PGlite), MB`,
      peak.peakRssMb,
      goals.peakRssMb,
    ],
    ['observatory draft saved (POST → 303), p99 ms', draft.timing.p99Ms, goals.draftSaveP99Ms],
    ['server CPU per draft save, ms', draft.cpuMsPerSave, goals.draftSaveCpuMs],
  ] as const;
  const figures = rows.map(([name, actual, goal]) => ({
    name,
    actual: Math.round(actual * 10) / 10,
    goal,
    pass: actual <= goal,
  }));
  console.log(`bench:app — ${os.cpus().length} cores, Node ${process.version}, PGlite`);
  for (const row of figures) {
    console.log(
      `${row.name.padEnd(66)} ${String(row.actual).padStart(9)}  goal ≤ ${String(row.goal).padEnd(6)} ${row.pass ? 'PASS' : 'MISS'}`,
    );
  }
  if (rebuild)
    console.log(
      `rebuild: ${rebuild.seconds.toFixed(1)} s; the log read once (baseline): ${rebuild.readLogSeconds.toFixed(1)} s, ratio ${(rebuild.seconds / rebuild.readLogSeconds).toFixed(2)}`,
    );
  console.log(
    `draft save latency: p50 ${draft.timing.p50Ms.toFixed(1)} ms, mean ${draft.timing.meanMs.toFixed(1)} ms, max ${draft.timing.maxMs.toFixed(1)} ms over ${draft.timing.runs}`,
  );
  const results = path.join(root, 'bench', 'results');
  await mkdir(results, { recursive: true });
  await writeFile(
    path.join(results, 'app.json'),
    `${JSON.stringify({ at: new Date().toISOString(), figures, draftSave: draft.timing, rebuild }, null, 2)}\n`,
  );
} finally {
  for (const child of children) if (!exited(child)) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}
