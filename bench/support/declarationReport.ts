import type { Backend } from './benchDatabase.js';
import type { ProtocolCheck } from '../../test/support/protocolNumbers.js';
import type { TargetCheck } from './report.js';
import type { Timing } from './timing.js';

export interface SubmissionFigures extends Timing {
  readonly declarants: number;
  readonly submissions: number;
  readonly warmupSubmissions: number;
  readonly failures: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** CPU of the Node process (the app and its in-process clients) per timed submission. */
  readonly nodeCpuMsPerSubmission: number;
  /** From the start of the timed run until the last of its copies of record was stored. */
  readonly copiesStoredSeconds: number;
  readonly copiesPerSecond: number;
}

export interface Figures {
  readonly validation: Timing & { readonly workbookBytes: number };
  readonly templatesZip: Timing;
  readonly copyOfRecord: Timing;
  readonly backend: Backend;
  readonly submissions: SubmissionFigures;
  /** One submission at a time, nobody else waiting. */
  readonly oneAtATime: Timing;
  readonly protocols: ProtocolCheck;
}

/** From the issue; latency targets are checked on p99, so a typical run is well inside them. */
export const targets = { validationMs: 50, copyOfRecordMs: 150, submissionsPerSecond: 50 };

export function verdicts(f: Figures): TargetCheck[] {
  const atMost = (name: string, actual: number, threshold: number): TargetCheck => ({
    name,
    actual,
    threshold,
    pass: actual <= threshold,
  });
  const { submissions: s, protocols: p } = f;
  return [
    atMost('validation of a typical declaration, p99 ms', f.validation.p99Ms, targets.validationMs),
    atMost('copy of record, p99 ms', f.copyOfRecord.p99Ms, targets.copyOfRecordMs),
    {
      name: `submissions/s, ${s.declarants} declarants, ${f.backend}`,
      actual: s.perSecond,
      threshold: targets.submissionsPerSecond,
      pass: s.perSecond >= targets.submissionsPerSecond && s.failures === 0,
      ...(s.failures > 0 ? { note: `${s.failures} submissions failed` } : {}),
    },
    {
      name: 'protocol numbers 1..N, no gap or duplicate',
      actual: p.numbers,
      threshold: p.expected,
      pass: p.pass,
    },
  ];
}

const ms = (n: number) => n.toFixed(1);
const verdict = (check: TargetCheck, label: string) =>
  `${check.pass ? 'PASS' : 'MISS'} (${check.note ?? label})`;

export function formatReport(f: Figures): string {
  const [validation, copy, rate, protocols] = verdicts(f) as [
    TargetCheck,
    TargetCheck,
    TargetCheck,
    TargetCheck,
  ];
  const s = f.submissions;
  const header = ['measurement', 'count', 'p50 ms', 'p99 ms', 'mean ms', 'rate', 'target'];
  const timed = (name: string, t: Timing, target = '') => [
    name,
    String(t.runs),
    ms(t.p50Ms),
    ms(t.p99Ms),
    ms(t.meanMs),
    '',
    target,
  ];
  const rows = [
    timed('validation, readDeclarationUpload', f.validation, verdict(validation, 'p99 <= 50 ms')),
    timed('templates zip (3 xlsx + 2 pdf)', f.templatesZip, 'none (reported)'),
    timed('copy of record, renderCopyOfRecord', f.copyOfRecord, verdict(copy, 'p99 <= 150 ms')),
    [
      `submissions, ${s.declarants} declarants, ${f.backend}`,
      `${s.submissions} (+${s.warmupSubmissions} warm-up)`,
      ms(s.p50Ms),
      ms(s.p99Ms),
      ms(s.meanMs),
      `${s.perSecond.toFixed(1)}/s`,
      verdict(rate, '>= 50/s'),
    ],
    [
      'copies of record of those submissions, stored',
      String(s.submissions),
      '',
      '',
      '',
      `${s.copiesPerSecond.toFixed(1)}/s`,
      `all stored ${s.copiesStoredSeconds.toFixed(1)} s after the run began`,
    ],
    timed('submission alone (no other declarant)', f.oneAtATime),
  ];
  const widths = header.map((_, i) =>
    Math.max(...[header, ...rows].map((r) => (r[i] ?? '').length)),
  );
  const render = (r: string[]) =>
    r
      .map((cell, i) => (i >= 1 && i <= 5 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join(' | ');
  const p = f.protocols;
  return [
    render(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(render),
    '',
    `submissions: ${s.seconds.toFixed(1)} s for the timed run, Node CPU ` +
      `${s.nodeCpuMsPerSubmission.toFixed(0)} ms per submission; failures: ${s.failures}`,
    `protocol numbers: ${p.numbers} assigned for ${p.expected} submissions; ` +
      `1..${p.numbers} in order: ${p.consecutive ? 'yes' : 'NO'}; ` +
      `one per contract, matching its DeclarationProtocolled: ${p.oneNumberPerContract ? 'yes' : 'NO'}` +
      ` — ${verdict(protocols, 'no gap or duplicate')}`,
  ].join('\n');
}
