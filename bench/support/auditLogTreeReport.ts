import type { ProofFigures, ProofTiming, RebuildPass } from './auditLogTree.js';
import type { TargetCheck } from './report.js';

export const treeTargets = { rebuildEventsPerSecond: 200_000, proofP99Ms: 5 };

/** The Merkle tree's figures on the generated log. */
export interface TreeFigures {
  /** Events in the log, as the tree grown straight from the events table counts them. */
  readonly logSize: number;
  readonly rebuilds: readonly RebuildPass[];
  readonly proofs: ProofFigures;
}

export const treeCheckNames = {
  rebuild: 'merkle_tree rebuild, whole log, events/s',
  inclusion: 'inclusion proof, storedTree, p99 ms (at most)',
  consistency: 'consistency proof, storedTree, p99 ms (at most)',
} as const;

const sum = (passes: readonly RebuildPass[], of: (pass: RebuildPass) => number) =>
  passes.reduce((total, pass) => total + of(pass), 0);

/** A rebuild counts only if each pass took in every event and ended at the log's root. */
export function treeChecks(tree: TreeFigures): TargetCheck[] {
  const { rebuilds, proofs } = tree;
  const actual = sum(rebuilds, (p) => p.events) / sum(rebuilds, (p) => p.seconds);
  const wrong = rebuilds.filter((p) => !p.rootMatches || p.events !== tree.logSize);
  const rebuildNote = wrong.length
    ? `${wrong.length} pass(es) ended at another tree than the log's (${wrong[0]!.leaves} leaves)`
    : undefined;
  const threshold = treeTargets.rebuildEventsPerSecond;
  const latency = (name: string, timing: ProofTiming): TargetCheck => {
    const note = timing.failures > 0 ? `${timing.failures} proofs did not verify` : undefined;
    const pass = timing.p99Ms <= treeTargets.proofP99Ms && timing.failures === 0;
    const check = { name, actual: timing.p99Ms, threshold: treeTargets.proofP99Ms, pass };
    return note ? { ...check, note } : check;
  };
  return [
    {
      name: treeCheckNames.rebuild,
      actual,
      threshold,
      pass: actual >= threshold && !rebuildNote,
      ...(rebuildNote ? { note: rebuildNote } : {}),
    },
    latency(treeCheckNames.inclusion, proofs.inclusion),
    latency(treeCheckNames.consistency, proofs.consistency),
  ];
}

const rate = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(1);

/** Rows of the audit table: measurement, runs, events/s, p50, p99, ratio / note, target. */
export function treeRows(
  tree: TreeFigures,
  verdict: (name: string, label: string) => string,
): string[][] {
  const { rebuilds, proofs } = tree;
  const seconds = sum(rebuilds, (p) => p.seconds);
  const applyShare = sum(rebuilds, (p) => p.applySeconds) / seconds;
  const proofRow = (name: string, timing: ProofTiming, check: string) => [
    name,
    String(timing.runs),
    '',
    ms(timing.p50Ms),
    ms(timing.p99Ms),
    timing.failures ? `${timing.failures} failed` : '',
    verdict(check, '<= 5 ms'),
  ];
  const size = rate(proofs.treeSize);
  return [
    [
      'merkle_tree rebuild, whole log (ProjectionRunner.rebuild)',
      String(rebuilds.length),
      rate(sum(rebuilds, (p) => p.events) / seconds),
      '',
      '',
      `${Math.round(applyShare * 100)}% in apply; passes ${rebuilds.map((p) => p.seconds.toFixed(0)).join('/')} s`,
      verdict(treeCheckNames.rebuild, '>= 200,000/s'),
    ],
    proofRow(
      `inclusion proof, random leaf, tree of ${size}`,
      proofs.inclusion,
      treeCheckNames.inclusion,
    ),
    proofRow('consistency proof, random sizes', proofs.consistency, treeCheckNames.consistency),
  ];
}
