/**
 * Declaration benchmark: validating a typical declaration workbook, generating the templates zip,
 * rendering the copy of record, and submissions through the HTTP routes with 20 declarants at
 * once (on PostgreSQL, a dedicated `dichiara_bench_declarations` database dropped afterwards, when
 * DATABASE_URL is set; else PGlite in memory). Run with `npm run bench:declarations`.
 * Prints a table and writes bench/results/declarations.json.
 */
import { zipSync } from 'fflate';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderCopyOfRecord } from '../src/declarations/pdf/copyOfRecord.js';
import { renderPrivacyNote } from '../src/declarations/pdf/privacyNote.js';
import { renderTariffNote } from '../src/declarations/pdf/tariffNote.js';
import {
  analysesTemplate,
  checklistTemplate,
  declarationTemplate,
  readDeclarationUpload,
} from '../src/declarations/workbooks/index.js';
import { typicalCopyOfRecord } from '../test/declarations/pdf/copyOfRecordFixture.js';
import {
  context,
  expected,
  filled,
  settings,
} from '../test/declarations/workbooks/support/workbookFixtures.js';
import { describeServer } from './support/benchDatabase.js';
import { setUpDeclarants } from './support/declarants.js';
import { TestClient } from '../test/support/client.js';
import { checkProtocolNumbers } from '../test/support/protocolNumbers.js';
import { createOperator } from '../test/support/testApp.js';
import { copiesStored, prepareDraft, submitConcurrently } from './support/declarationFiling.js';
import {
  dropPortalDatabase,
  startBenchPortal,
  type BenchPortal,
} from './support/declarationPortal.js';
import {
  buildPortal,
  formatProcesses,
  measureProcesses,
  processCounts,
  processesPlan,
} from './support/declarationProcesses.js';
import { formatReport, verdicts, type Figures } from './support/declarationReport.js';
import { typicalDeclarationEdits } from './support/declarationWorkbooks.js';
import { machine, writeJson } from './support/report.js';
import { timeRuns, timingOf } from './support/timing.js';

const serverUrl = process.env.DATABASE_URL || null;
const resultsFile = fileURLToPath(new URL('./results/declarations.json', import.meta.url));

const plan = {
  validation: { warmup: 30, runs: 200, previousDischargedVolume: 15_000 },
  templatesZip: { warmup: 3, runs: 30 },
  copyOfRecord: { warmup: 10, runs: 100 },
  /** Per declarant: 1 contract for the warm-up, 5 timed at once, 1 submitted alone. */
  submissions: {
    declarants: 20,
    contractsPerDeclarant: 7,
    warmupContracts: 1,
    soloContracts: 1,
    year: 2025,
  },
  timeLimitMs: 20 * 60_000,
};

const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const watchdog = setTimeout(() => void abort(), plan.timeLimitMs).unref();
  const started = Date.now();
  const loadBefore = os.loadavg();
  const validation = await measureValidation();
  log(`validation: p50 ${validation.p50Ms.toFixed(1)} ms, p99 ${validation.p99Ms.toFixed(1)} ms`);
  const templatesZip = await timeRuns(templatesZipBytes, plan.templatesZip);
  log(`templates zip: p50 ${templatesZip.p50Ms.toFixed(0)} ms`);
  const copyOfRecord = await timeRuns(
    () => renderCopyOfRecord(typicalCopyOfRecord),
    plan.copyOfRecord,
  );
  log(`copy of record: p50 ${copyOfRecord.p50Ms.toFixed(0)} ms`);
  const submissions = await measureSubmissions();
  clearTimeout(watchdog);
  const figures: Figures = { validation, templatesZip, copyOfRecord, ...submissions };
  console.log(`\n${formatReport(figures)}\n`);
  await writeJson(resultsFile, {
    date: new Date().toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    machine: machine(),
    loadAverage: { before: loadBefore, after: os.loadavg() },
    postgres: serverUrl ? await describeServer(serverUrl) : null,
    workload: describeWorkload(),
    results: figures,
    targets: verdicts(figures),
  });
  console.log(`Results written to ${resultsFile}`);
}

async function measureValidation() {
  const workbook = await filled('dichiarazione', typicalDeclarationEdits(context.customerCode));
  const validate = () =>
    readDeclarationUpload(
      workbook,
      expected('dichiarazione'),
      settings,
      plan.validation.previousDischargedVolume,
    );
  const reading = await validate();
  if (!reading.figures || reading.issues.length > 0)
    throw new Error(`The typical workbook does not validate: ${JSON.stringify(reading.issues)}`);
  return { ...(await timeRuns(validate, plan.validation)), workbookBytes: workbook.length };
}

/** What GET …/modelli/tutti sends: three workbooks and two notes, zipped at level 6. */
async function templatesZipBytes(): Promise<Buffer> {
  const files = await Promise.all([
    declarationTemplate(context),
    analysesTemplate(context),
    checklistTemplate(context),
    renderTariffNote(settings),
    renderPrivacyNote({ year: context.year, utilityName: 'Servizio Idrico Integrato' }),
  ]);
  const names = [
    'dichiarazione.xlsx',
    'analisi.xlsx',
    'checklist.xlsx',
    'formule.pdf',
    'privacy.pdf',
  ];
  const entries = Object.fromEntries(files.map((file, i) => [names[i]!, new Uint8Array(file)]));
  return Buffer.from(zipSync(entries, { level: 6 }));
}

async function measureSubmissions() {
  const { declarants, contractsPerDeclarant, year } = plan.submissions;
  const portal = await startBenchPortal(serverUrl);
  try {
    let clock = Date.now();
    const lap = () => ((Date.now() - clock) / 1000).toFixed(0);
    const site = {
      db: portal.test.database.db,
      client: () => new TestClient(portal.app),
      createOperator: () => createOperator(portal),
    };
    const people = await setUpDeclarants(site, declarants, contractsPerDeclarant, year);
    log(`${portal.backend}: ${declarants} declarants registered and approved in ${lap()} s`);
    clock = Date.now();
    const queues = await Promise.all(
      people.map(async (person) => {
        const drafts = [];
        for (const contract of person.contracts)
          drafts.push(await prepareDraft(person, year, contract));
        return { client: person.client, drafts };
      }),
    );
    log(`${portal.backend}: ${declarants * contractsPerDeclarant} drafts prepared in ${lap()} s`);
    const phases = await submitInPhases(portal, queues);
    await portal.projections.waitFor(await portal.store.headPosition(), 30_000);
    const contracts = people.flatMap((person) => person.contracts);
    const protocols = await checkProtocolNumbers(portal.store, year, contracts);
    return { backend: portal.backend, ...phases, protocols };
  } finally {
    await portal.close();
  }
}

/**
 * A warm-up round (every declarant at once), the timed run (every declarant at once, its drafts
 * one after the other), then one submission at a time: its latency is the service time without
 * the queue of 19 others in front of it.
 */
async function submitInPhases(
  portal: BenchPortal,
  queues: Parameters<typeof submitConcurrently>[0],
) {
  const { declarants, contractsPerDeclarant, warmupContracts, soloContracts } = plan.submissions;
  const timedEnd = contractsPerDeclarant - soloContracts;
  const warmup = await submitConcurrently(
    queues.map((q) => ({ ...q, drafts: q.drafts.slice(0, warmupContracts) })),
  );
  await copiesStored(portal.test.database.db, warmup.submissions);
  const runStarted = performance.now();
  const run = await submitConcurrently(
    queues.map((q) => ({ ...q, drafts: q.drafts.slice(warmupContracts, timedEnd) })),
  );
  log(`submissions: ${run.submissions} in ${run.seconds.toFixed(1)} s`);
  // The copies of record follow the numbers (declarationProtocols): until the last one is stored.
  await copiesStored(portal.test.database.db, warmup.submissions + run.submissions);
  const copiesSeconds = (performance.now() - runStarted) / 1000;
  log(`copies of record of the run stored ${copiesSeconds.toFixed(1)} s after its start`);
  const solo = [];
  for (const q of queues)
    solo.push(await submitConcurrently([{ ...q, drafts: q.drafts.slice(timedEnd) }]));
  const failures = [warmup, run, ...solo].flatMap((phase) => phase.failures);
  for (const failure of failures) log(`failed: ${failure}`);
  return {
    submissions: {
      declarants,
      submissions: run.submissions,
      warmupSubmissions: warmup.submissions,
      failures: failures.length,
      seconds: run.seconds,
      perSecond: run.submissions / run.seconds,
      nodeCpuMsPerSubmission: run.cpuMs / run.submissions,
      ...timingOf(run.latencies),
      copiesStoredSeconds: copiesSeconds,
      copiesPerSecond: run.submissions / copiesSeconds,
    },
    oneAtATime: timingOf(solo.flatMap((phase) => phase.latencies)),
  };
}

function describeWorkload() {
  return {
    ...plan,
    validation: {
      ...plan.validation,
      call: 'readDeclarationUpload(buffer, expected, settings, previous) on the template filled by exceljs',
      workbook: '5 water sources (one meter rolled over), 3 discharge meters, 4 deductions',
    },
    templatesZip:
      `${JSON.stringify(plan.templatesZip)}: declarationTemplate, analysesTemplate, ` +
      'checklistTemplate, renderTariffNote, renderPrivacyNote in parallel, fflate zipSync level 6',
    copyOfRecord:
      `${JSON.stringify(plan.copyOfRecord)}: renderCopyOfRecord(typicalCopyOfRecord) from ` +
      'test/declarations/pdf/copyOfRecordFixture.ts (5 sources, 3 meters, 4 deductions, ' +
      '20 analyses, 6 files, 1 warning)',
    submissions: {
      ...plan.submissions,
      app:
        'buildApp as test/support/testApp.ts (NODE_ENV test), driven by fastify inject in ' +
        'process; projection runner with its default poll, woken by the store',
      draft:
        'declaration (5/3/4) + analyses (20 rows) + check-list workbooks, lab report, identity ' +
        'document and one attachment, uploaded through POST /dichiarazioni/<year>/<contract>',
      timed:
        'POST …/invia with the commandId of the Validazione page, 303 to …/risultato: ' +
        'DeclarationSubmitted, protocol number in the register, DeclarationProtocolled, ' +
        'projections caught up; then, out of the request, each copy of record rendered, stored ' +
        'and CopyOfRecordStored (copiesStoredSeconds: from the start of the run to the last one)',
      oneAtATime:
        'after the timed run, each declarant submits its last draft alone, one after the other',
    },
  };
}

/**
 * `--processes 1,2,3`: the submissions through that many portal processes behind a balancer,
 * one after the other in one run (bench/support/declarationProcesses.ts).
 */
async function compareProcesses(counts: readonly number[]): Promise<void> {
  if (!serverUrl) {
    console.log('--processes needs PostgreSQL (DATABASE_URL): PGlite opens from one process only.');
    return;
  }
  buildPortal();
  const runs = [];
  for (const count of counts) runs.push(await measureProcesses(serverUrl, count, log));
  console.log(`\n${formatProcesses(runs)}\n`);
  const file = fileURLToPath(new URL('./results/declarations-processes.json', import.meta.url));
  await writeJson(file, {
    date: new Date().toISOString(),
    machine: machine(),
    postgres: await describeServer(serverUrl),
    workload: {
      ...processesPlan,
      portal: 'node dist/main.js per process (npm run build first), NODE_ENV development',
      balancer: 'round robin in the bench process (test/support/roundRobinProxy.ts)',
      timed: 'POST …/invia of every declarant at once, its drafts one after the other',
    },
    runs,
  });
  console.log(`Results written to ${file}`);
}

async function abort(): Promise<void> {
  log(`Time limit of ${plan.timeLimitMs / 1000} s reached: dropping the bench database, exiting.`);
  if (serverUrl) await dropPortalDatabase(serverUrl).catch(() => undefined);
  process.exit(2);
}

const counts = processCounts(process.argv.slice(2));
await (counts ? compareProcesses(counts) : main());
