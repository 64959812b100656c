/**
 * Workbook reading benchmark (issue 13): the declaration whose shared-strings table ends with N
 * items, N = 64k, 128k, 256k; malformed `<si>` never closed (the file that took 35 s), and, for
 * comparison, well-formed `<si></si>`. Each file is read with the count and nesting limits lifted,
 * so that the whole table is parsed and the time shows how it grows (linear: ~2x and ~4x the 64k
 * figure; quadratic would be 4x and 16x), then with the portal's own limits, which refuse it. The
 * longest event-loop block is measured meanwhile (monitorEventLoopDelay), per MB of XML, beside
 * the same measure taken on an idle loop in the same run (what the machine itself adds). A typical
 * declaration is read too, for scale. Run with `npm run bench:workbooks`; prints a table and
 * writes bench/results/workbooks.json.
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { uploadLimits, type WorkbookLimits } from '../src/declarations/workbooks/limits.js';
import { openWorkbook } from '../src/declarations/workbooks/openWorkbook.js';
import {
  context,
  filled,
  rewrite,
} from '../test/declarations/workbooks/support/workbookFixtures.js';
import { typicalDeclarationEdits } from './support/declarationWorkbooks.js';
import { machine, writeJson } from './support/report.js';
import { percentile } from './support/writers.js';

const resultsFile = fileURLToPath(new URL('./results/workbooks.json', import.meta.url));
const plan = {
  items: [64_000, 128_000, 256_000],
  warmup: 3,
  runs: 15,
  typical: { warmup: 30, runs: 100 },
  idleMs: 2000,
};
const series = { malformed: '<si>', wellFormed: '<si></si>' } as const;
/** The whole table parsed: only the count and nesting limits are lifted. */
const lifted: WorkbookLimits = {
  ...uploadLimits,
  maxSharedStrings: Infinity,
  maxNesting: Infinity,
};
/** Issue 13: no event-loop block longer than 200 ms per MB of input. */
const blockMsPerMbTarget = 200;

interface Run {
  readonly wallMs: number;
  readonly cpuMs: number;
  /** The longest the event loop waited while the workbook was read. */
  readonly maxBlockMs: number;
}

interface Case {
  readonly series: keyof typeof series;
  readonly items: number;
  /** Size of the shared-strings part once inflated. */
  readonly xmlMb: number;
  readonly parsed: Run;
  readonly refused: Run & { readonly code: string };
  readonly cpuRatio: number;
  readonly wallRatio: number;
  readonly blockMsPerMb: number;
}

async function measure(work: () => Promise<unknown>): Promise<Run> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  // The timer that measures the last stretch of work fires only after it: wait for it.
  await sleep(5);
  delay.disable();
  return { wallMs, cpuMs: (user + system) / 1000, maxBlockMs: delay.max / 1e6 };
}

/** Medians of the timed runs; the block is the worst of them. */
async function runs(
  bytes: Uint8Array,
  limits: WorkbookLimits,
  times: { warmup: number; runs: number } = plan,
): Promise<Run> {
  const read = () => openWorkbook(bytes, limits);
  for (let i = 0; i < times.warmup; i++) await read();
  const all: Run[] = [];
  for (let i = 0; i < times.runs; i++) all.push(await measure(read));
  const median = (key: keyof Run) =>
    percentile(
      all.map((run) => run[key]),
      0.5,
    );
  return {
    wallMs: median('wallMs'),
    cpuMs: median('cpuMs'),
    maxBlockMs: Math.max(...all.map((run) => run.maxBlockMs)),
  };
}

async function withItems(item: string, count: number) {
  let xmlBytes = 0;
  const bytes = rewrite(await filled('dichiarazione', {}), (path, xml) => {
    if (path !== 'xl/sharedStrings.xml') return xml;
    const changed = xml.replace('</sst>', `${item.repeat(count)}</sst>`);
    xmlBytes = Buffer.byteLength(changed);
    return changed;
  });
  return { bytes, xmlMb: xmlBytes / 1024 / 1024 };
}

async function measureSeries(name: keyof typeof series): Promise<Case[]> {
  const measured = [];
  for (const items of plan.items) {
    const { bytes, xmlMb } = await withItems(series[name], items);
    const parsed = await runs(bytes, lifted);
    const opening = await openWorkbook(bytes, uploadLimits);
    const code = opening.refusal ? `${opening.refusal.kind}` : 'accepted';
    const refused = { ...(await runs(bytes, uploadLimits)), code };
    measured.push({ series: name, items, xmlMb, parsed, refused });
  }
  const base = measured[0]!.parsed;
  return measured.map((c) => ({
    ...c,
    cpuRatio: c.parsed.cpuMs / base.cpuMs,
    wallRatio: c.parsed.wallMs / base.wallMs,
    blockMsPerMb: c.parsed.maxBlockMs / c.xmlMb,
  }));
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const idle = await measure(() => sleep(plan.idleMs));
  const typical = await filled('dichiarazione', typicalDeclarationEdits(context.customerCode));
  const typicalRun = await runs(typical, uploadLimits, plan.typical);
  const cases = [...(await measureSeries('malformed')), ...(await measureSeries('wellFormed'))];
  const verdicts = targets(cases);
  console.log(`\n${format(idle, typicalRun, cases)}\n`);
  for (const t of verdicts)
    console.log(
      `${t.pass ? 'PASS' : 'MISS'} ${t.name}: ${t.actual.toFixed(2)} (<= ${t.threshold})`,
    );
  await writeJson(resultsFile, {
    date: new Date().toISOString(),
    machine: machine(),
    loadAverage: { before: loadBefore, after: os.loadavg() },
    plan,
    idleLoopMaxBlockMs: idle.maxBlockMs,
    typicalDeclaration: { fileBytes: typical.length, ...typicalRun },
    sharedStrings: cases,
    targets: verdicts,
  });
  console.log(`Results written to ${resultsFile}`);
}

/** Linear growth, and blocks within issue 13's bound, per series; with the portal's limits too. */
function targets(cases: readonly Case[]) {
  const worst = (name: keyof typeof series, block: (c: Case) => number) =>
    Math.max(...cases.filter((c) => c.series === name).map(block));
  return (Object.keys(series) as (keyof typeof series)[])
    .flatMap((name) => [
      {
        name: `${name}, limits lifted: cpu(256k)/cpu(64k) (linear ~4, quadratic 16)`,
        actual: cases.find((c) => c.series === name && c.items === plan.items.at(-1))!.cpuRatio,
        threshold: 6,
      },
      {
        name: `${name}, limits lifted: longest block ms per MB of XML`,
        actual: worst(name, (c) => c.blockMsPerMb),
        threshold: blockMsPerMbTarget,
      },
      {
        name: `${name}, portal limits: longest block ms per MB of XML`,
        actual: worst(name, (c) => c.refused.maxBlockMs / c.xmlMb),
        threshold: blockMsPerMbTarget,
      },
    ])
    .map((t) => ({ ...t, pass: t.actual <= t.threshold }));
}

function format(idle: Run, typical: Run, cases: readonly Case[]): string {
  const ms = (n: number) => n.toFixed(1);
  const header = [
    'shared strings',
    'XML MB',
    'wall ms',
    'cpu ms',
    'cpu ×64k',
    'wall ×64k',
    'max block ms',
    'block ms/MB',
    'portal limits: wall ms',
    'max block ms',
    'refusal',
  ];
  const lines = cases.map((c) => [
    `${c.items.toLocaleString('en-US')} × ${series[c.series]}`,
    c.xmlMb.toFixed(2),
    ms(c.parsed.wallMs),
    ms(c.parsed.cpuMs),
    `${c.cpuRatio.toFixed(2)}x`,
    `${c.wallRatio.toFixed(2)}x`,
    ms(c.parsed.maxBlockMs),
    ms(c.blockMsPerMb),
    ms(c.refused.wallMs),
    ms(c.refused.maxBlockMs),
    c.refused.code,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join(' | ');
  return [
    render(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...lines.map(render),
    '',
    `typical declaration (openWorkbook): wall ${ms(typical.wallMs)} ms, cpu ${ms(typical.cpuMs)} ` +
      `ms, max block ${ms(typical.maxBlockMs)} ms (medians of ${plan.typical.runs} runs, the ` +
      `others of ${plan.runs}; block: worst run)`,
    `idle event loop, ${plan.idleMs} ms in the same run: max block ${ms(idle.maxBlockMs)} ms ` +
      `(what the machine adds); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`,
  ].join('\n');
}

await main();
