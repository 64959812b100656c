import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Backend } from './benchDatabase.js';
import type { CatchUpFigures } from './catchUp.js';
import type { TreeCheck } from './treeMaintained.js';
import { lagSummary, treeRatioCheck, type TreeMaintained } from './treeReport.js';
import type { AppendFigures } from './writers.js';

export interface AppendComparison {
  readonly writers: number;
  readonly ours: AppendFigures;
  readonly raw: AppendFigures;
  /** null where Emmett cannot run (PGlite). */
  readonly emmett: AppendFigures | null;
  readonly tree: TreeMaintained;
}

export interface BackendResult {
  readonly backend: Backend;
  readonly appends: readonly AppendComparison[];
  readonly catchUp: CatchUpFigures;
  /** The stored tree after all the runs, against the root grown from the log itself. */
  readonly treeCheck: TreeCheck;
}

export interface TargetCheck {
  readonly name: string;
  readonly actual: number;
  readonly threshold: number;
  readonly pass: boolean;
  /** Why a fast figure still fails, e.g. a rebuild that skipped events. */
  readonly note?: string;
}

export const targets = {
  rawRatio: 0.7,
  emmettRatio: 1.0,
  /** Appends with the tree maintained, against ours without it: at most 10% fewer. */
  treeRatio: 0.9,
  catchUpEventsPerSecond: 50_000,
};

/** Target checks for one comparison row, keyed by the row they are printed beside. */
function checksFor(result: BackendResult, row: AppendComparison) {
  const onTarget = result.backend === 'postgres' && row.writers === 16;
  const check = (name: string, actual: number, threshold: number): TargetCheck | null =>
    onTarget ? { name, actual, threshold, pass: actual >= threshold } : null;
  const rawRatio = row.ours.eventsPerSecond / row.raw.eventsPerSecond;
  const emmettRatio = row.emmett ? row.ours.eventsPerSecond / row.emmett.eventsPerSecond : null;
  const treeRatio = row.tree.append.eventsPerSecond / row.ours.eventsPerSecond;
  return {
    rawRatio,
    emmettRatio,
    treeRatio,
    raw: check('ours/raw INSERT, 16 writers, PostgreSQL', rawRatio, targets.rawRatio),
    emmett:
      emmettRatio === null
        ? null
        : check('ours/Emmett, 16 writers, PostgreSQL', emmettRatio, targets.emmettRatio),
    tree: onTarget
      ? treeRatioCheck(treeRatio, targets.treeRatio, result.treeCheck, result.appends)
      : null,
  };
}

/** Catch-up passes only when fast enough and complete (every stream indexed, no event twice). */
export function catchUpCheck(result: BackendResult): TargetCheck {
  const {
    eventsPerSecond: actual,
    complete,
    eventsRead,
    events,
    indexedStreams,
    streams,
  } = result.catchUp;
  const threshold = targets.catchUpEventsPerSecond;
  const name = `catch-up stream_index, ${result.backend}`;
  if (complete) return { name, actual, threshold, pass: actual >= threshold };
  const note =
    `incomplete: read ${eventsRead}/${events} events, ` +
    `indexed ${indexedStreams}/${streams} streams`;
  return { name, actual, threshold, pass: false, note };
}

export function allChecks(results: readonly BackendResult[]): TargetCheck[] {
  const appendChecks = results.flatMap((result) =>
    result.appends.flatMap((row) => {
      const { raw, emmett, tree } = checksFor(result, row);
      return [raw, emmett, tree].filter((check): check is TargetCheck => check !== null);
    }),
  );
  return [...appendChecks, ...results.map(catchUpCheck)];
}

const fmtRate = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number) => n.toFixed(2);
const verdict = (check: TargetCheck | null, label: string) =>
  check ? `${check.pass ? 'PASS' : 'MISS'} (${check.note ?? label})` : '';

const writersLabel = (writers: number) => `${writers} writer${writers > 1 ? 's' : ''}`;

function appendRows(result: BackendResult, row: AppendComparison): string[][] {
  const { rawRatio, emmettRatio, treeRatio, raw, emmett, tree } = checksFor(result, row);
  const line = (name: string, f: AppendFigures, ratio: string, target: string) => [
    result.backend,
    `${name}, ${writersLabel(row.writers)}`,
    fmtRate(f.eventsPerSecond),
    fmtMs(f.p50Ms),
    fmtMs(f.p99Ms),
    String(Math.round(f.clientCpuMicrosPerAppend)),
    ratio,
    target,
  ];
  return [
    line('append ours', row.ours, '', ''),
    line(
      'append raw INSERT',
      row.raw,
      `ours/raw ${rawRatio.toFixed(2)}x`,
      verdict(raw, '>= 0.70x'),
    ),
    row.emmett
      ? line(
          'append Emmett',
          row.emmett,
          `ours/Emmett ${emmettRatio!.toFixed(2)}x`,
          verdict(emmett, '>= 1.00x'),
        )
      : [
          result.backend,
          `append Emmett, ${writersLabel(row.writers)}`,
          ...Array<string>(5).fill('n/a'),
          '',
        ],
    line(
      'append ours, merkle_tree maintained',
      row.tree.append,
      `tree/ours ${treeRatio.toFixed(2)}x`,
      verdict(tree, '>= 0.90x'),
    ),
    [
      result.backend,
      `merkle_tree at the writers' end, ${writersLabel(row.writers)}`,
      ...Array<string>(4).fill('-'),
      lagSummary(row.tree.lags),
      '',
    ],
  ];
}

export function formatTable(results: readonly BackendResult[]): string {
  const header = [
    'backend',
    'measurement',
    'events/s',
    'p50 ms',
    'p99 ms',
    'node µs/op',
    'ratio',
    'target',
  ];
  const rows = results.flatMap((result) => [
    ...result.appends.flatMap((row) => appendRows(result, row)),
    [
      result.backend,
      `catch-up stream_index (${result.catchUp.events.toLocaleString('en-US')} events)`,
      fmtRate(result.catchUp.eventsPerSecond),
      '-',
      '-',
      '-',
      '',
      verdict(catchUpCheck(result), '>= 50,000/s'),
    ],
  ]);
  const widths = header.map((_, i) =>
    Math.max(...[header, ...rows].map((r) => (r[i] ?? '').length)),
  );
  const render = (r: string[]) =>
    r
      .map((cell, i) => (i >= 2 && i <= 5 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join(' | ');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(render)].join(
    '\n',
  );
}

export const machine = () => ({
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  cpuCount: os.cpus().length,
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
});

export async function writeJson(file: string, report: object): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
