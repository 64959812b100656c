import type { TargetCheck } from './report.js';
import type { TreeCheck, TreeLag } from './treeMaintained.js';
import type { AppendFigures } from './writers.js';

/** Our appends again, with the merkle_tree projection maintained beside the writers. */
export interface TreeMaintained {
  readonly append: AppendFigures;
  /** One per timed run: how far behind the tree was when the writers stopped. */
  readonly lags: readonly TreeLag[];
}

/** The tree's ratio passes only if the tree it kept is the log's, and it caught up each time. */
export function treeRatioCheck(
  actual: number,
  threshold: number,
  treeCheck: TreeCheck,
  rows: readonly { readonly tree: TreeMaintained }[],
): TargetCheck {
  const name = 'ours with merkle_tree/ours, 16 writers, PostgreSQL';
  const stuck = rows.flatMap((row) => row.tree.lags).filter((lag) => lag.catchUpSeconds === null);
  const note = !treeCheck.rootMatches
    ? `the stored root of ${treeCheck.leaves} leaves is not the log's`
    : stuck.length > 0
      ? `the tree had not caught up ${stuck.length} time(s)`
      : undefined;
  const pass = actual >= threshold && note === undefined;
  return { name, actual, threshold, pass, ...(note ? { note } : {}) };
}

/** The worst of the runs: events the tree lacked when the writers stopped, time to take them in. */
export function lagSummary(lags: readonly TreeLag[]): string {
  const behind = Math.max(...lags.map((lag) => lag.behind));
  const times = lags.map((lag) => lag.catchUpSeconds);
  const caughtUp = times.every((t) => t !== null)
    ? `caught up in <= ${Math.max(...times).toFixed(2)} s`
    : 'not caught up';
  return `behind <= ${behind.toLocaleString('en-US')} events, ${caughtUp}`;
}

/** The log lines of one writer count: tree/ours paired within each round, and the lags. */
export function treeRoundsLines(
  label: string,
  ours: AppendFigures,
  tree: TreeMaintained,
): string[] {
  // Paired within each round (the two ran minutes apart at most): steadier than pooled totals.
  const paired = tree.append.roundEventsPerSecond.map(
    (rate, i) => rate / ours.roundEventsPerSecond[i]!,
  );
  const behind = tree.lags.map(
    ({ behind, catchUpSeconds }) => `${behind} (${catchUpSeconds?.toFixed(3) ?? '?'} s)`,
  );
  return [
    `${label} tree/ours per round: ${paired.map((r) => r.toFixed(2)).join('/')}`,
    `${label} merkle_tree behind at the end (catch-up): ${behind.join(', ')}`,
  ];
}
