import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgres, type Database } from '../../src/platform/db/database.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { TestClient } from '../../test/support/client.js';
import { checkProtocolNumbers, type ProtocolCheck } from '../../test/support/protocolNumbers.js';
import { startRoundRobinProxy } from '../../test/support/roundRobinProxy.js';
import { operatorLogin } from '../../test/support/testApp.js';
import {
  fromBuild,
  processFigures,
  root,
  runCli,
  startPortal,
  stopPortal,
  type Started,
  type Storage,
} from './appProcess.js';
import { adminQuery } from './benchDatabase.js';
import { setUpDeclarants, type Declarant } from './declarants.js';
import { copiesStored, prepareDraft, submitConcurrently } from './declarationFiling.js';
import { timingOf, type Timing } from './timing.js';

const databaseName = 'dichiara_bench_processes';

export const processesPlan = {
  declarants: 20,
  /** Per declarant: 1 for the warm-up, the rest timed, all 20 declarants at once. */
  contractsPerDeclarant: 4,
  warmupContracts: 1,
} as const;

export interface ProcessesRun extends Timing {
  readonly processes: number;
  readonly submissions: number;
  readonly failures: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** CPU of all the portal's processes during the timed run, per submission. */
  readonly serverCpuMsPerSubmission: number;
  /** Each process's resident memory at its highest, from its start to the end of the run. */
  readonly peakRssMb: readonly number[];
  /** Which of them applied the projections and rendered the copies (-1: none said so). */
  readonly leader: number;
  readonly protocols: ProtocolCheck;
  /** Each submitted contract has exactly one CopyOfRecordStored. */
  readonly copiesOnce: boolean;
}

/** `npm run build`, for the processes to run as production does (`node dist/main.js`). */
export function buildPortal(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
}

/**
 * The declarants' submissions through `processes` portal processes (as production runs them)
 * on one PostgreSQL, behind a round-robin balancer: a database of its own, dropped afterwards.
 * Registration, approval, the campaign and the drafts go through the balancer too.
 */
export async function measureProcesses(
  serverUrl: string,
  processes: number,
  log: (line: string) => void,
): Promise<ProcessesRun> {
  await adminQuery(serverUrl, `drop database if exists ${databaseName} with (force)`);
  await adminQuery(serverUrl, `create database ${databaseName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  const storage: Storage = {
    dataDir: mkdtempSync(join(tmpdir(), 'dichiara-bench-processi-')),
    databaseUrl: url.toString(),
  };
  const portals: Started[] = [];
  const proxy = await startRoundRobinProxy();
  let database: Database | null = null;
  try {
    // The first one migrates the empty database; the others start beside it.
    portals.push(await startPortal(storage, fromBuild));
    portals.push(
      ...(await Promise.all(
        Array.from({ length: processes - 1 }, () => startPortal(storage, fromBuild)),
      )),
    );
    proxy.upstreams = portals.map((portal) => portal.url);
    database = await openPostgres(url.toString(), { poolSize: 4 });
    const year = new Date().getUTCFullYear();
    const site = {
      db: database.db,
      client: () => new TestClient(proxy.url),
      createOperator: () =>
        runCli(storage, [
          'users:create',
          '--role',
          'operator',
          '--username',
          operatorLogin.username,
          '--password',
          operatorLogin.password,
          '--name',
          'Olga Operatrice',
          '--email',
          'olga@gestore.example',
        ]),
    };
    const { declarants, contractsPerDeclarant, warmupContracts } = processesPlan;
    const people = await setUpDeclarants(site, declarants, contractsPerDeclarant, year);
    const queues = await Promise.all(people.map((person) => draftsOf(person, year)));
    log(`${processes} process(es): ${declarants} declarants and their drafts ready`);
    const warmup = await submitConcurrently(
      queues.map((q) => ({ ...q, drafts: q.drafts.slice(0, warmupContracts) })),
    );
    const cpuBefore = portals.map((portal) => processFigures(portal.pid).cpuMs);
    const run = await submitConcurrently(
      queues.map((q) => ({ ...q, drafts: q.drafts.slice(warmupContracts) })),
    );
    const cpuMs = portals.reduce(
      (sum, portal, i) => sum + processFigures(portal.pid).cpuMs - cpuBefore[i]!,
      0,
    );
    const peakRssMb = portals.map((portal) => processFigures(portal.pid).peakRssMb);
    const leads = await Promise.all(portals.map(applies));
    const failures = [...warmup.failures, ...run.failures];
    for (const failure of failures) log(`failed: ${failure}`);
    const contracts = people.flatMap((person) => person.contracts);
    await copiesStored(database.db, warmup.submissions + run.submissions);
    const store = createPostgresEventStore(database);
    const protocols = await checkProtocolNumbers(store, year, contracts);
    const copies = await database.db
      .selectFrom('events')
      .select(['stream_id', (eb) => eb.fn.countAll<string>().as('copies')])
      .where('type', '=', 'CopyOfRecordStored')
      .groupBy('stream_id')
      .execute();
    await store.close();
    return {
      processes,
      submissions: run.submissions,
      failures: failures.length,
      seconds: run.seconds,
      perSecond: run.submissions / run.seconds,
      serverCpuMsPerSubmission: cpuMs / run.submissions,
      peakRssMb,
      leader: leads.indexOf(true),
      ...timingOf(run.latencies),
      protocols,
      copiesOnce:
        copies.length === contracts.length && copies.every((row) => Number(row.copies) === 1),
    };
  } finally {
    await Promise.all(portals.map((portal) => stopPortal(portal)));
    await proxy.close();
    await database?.close();
    await adminQuery(serverUrl, `drop database if exists ${databaseName} with (force)`);
    rmSync(storage.dataDir, { recursive: true, force: true });
  }
}

/** Whether the portal says it applies the projections (/readyz). */
async function applies(portal: Started): Promise<boolean> {
  const response = await fetch(`${portal.url}/readyz`);
  return ((await response.json()) as { applies?: boolean }).applies === true;
}

async function draftsOf(person: Declarant, year: number) {
  const drafts = [];
  for (const contract of person.contracts) drafts.push(await prepareDraft(person, year, contract));
  return { client: person.client, drafts };
}

/** The per-process memory target of the issue, under this load. */
const rssTargetMb = 250;

/** `--processes 1,2,3`: the counts asked for, or null when the flag is absent. */
export function processCounts(args: readonly string[]): number[] | null {
  const at = args.indexOf('--processes');
  if (at === -1) return null;
  const counts = (args[at + 1] ?? '').split(',').map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 16))
    throw new Error('--processes takes counts between 1 and 16, e.g. --processes 1,2,3');
  return counts;
}

/** The runs side by side, each against the first (one process, usually). */
export function formatProcesses(runs: readonly ProcessesRun[]): string {
  const first = runs[0]!;
  const lines = [
    '| processes | submissions/s | vs first | p50 ms | p99 ms | failures | server CPU ms/submission | peak RSS per process (MB, L = leads) | RSS ≤ 250 | numbers gapless | one copy each |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const run of runs) {
    const rssPass = run.peakRssMb.every((mb) => mb <= rssTargetMb);
    lines.push(
      `| ${run.processes} | ${run.perSecond.toFixed(1)} | ${(run.perSecond / first.perSecond).toFixed(2)}× | ` +
        `${run.p50Ms.toFixed(0)} | ${run.p99Ms.toFixed(0)} | ${run.failures} | ` +
        `${run.serverCpuMsPerSubmission.toFixed(0)} | ${rssOf(run)} | ` +
        `${rssPass ? 'PASS' : 'MISS'} | ${run.protocols.pass ? 'yes' : 'NO'} | ${run.copiesOnce ? 'yes' : 'NO'} |`,
    );
  }
  return lines.join('\n');
}

/** Each process's peak, the leader's marked L. */
const rssOf = (run: ProcessesRun): string =>
  run.peakRssMb.map((mb, i) => `${mb.toFixed(0)}${i === run.leader ? ' L' : ''}`).join(' / ');
