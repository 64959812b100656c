import type { TimedRequests } from './auditLogStreams.js';
import { treeChecks, treeRows, type TreeFigures } from './auditLogTreeReport.js';
import type { Pass, VerifyPass } from './auditLogVerify.js';
import type { TargetCheck } from './report.js';

export const auditTargets = { verifyEventsPerSecond: 100_000, p99Ms: 50 };

export interface HttpFigures {
  readonly timeline: TimedRequests;
  readonly stateAsOfVersion: TimedRequests;
  readonly stateAsOfTime: TimedRequests;
  readonly searchByType: TimedRequests;
  /** The longest stream of each kind: first timeline page and state as of its middle version. */
  readonly longest: readonly {
    readonly streamId: string;
    readonly events: number;
    readonly timelineMs: number;
    readonly stateAsOfMs: number | null;
  }[];
}

export interface AuditFigures {
  readonly events: number;
  readonly generation: {
    readonly events: number;
    readonly seconds: number;
    readonly eventsPerSecond: number;
    readonly indexSeconds: number;
  } | null;
  readonly count: readonly Pass[];
  readonly readAll: readonly Pass[];
  readonly verify: readonly VerifyPass[];
  readonly http: HttpFigures | null;
  readonly queries: {
    readonly timeline: TimedRequests;
    readonly stateAsOfVersion: TimedRequests;
  } | null;
  /** The merkle_tree projection: a rebuild over the whole log, then proofs from its tables. */
  readonly tree: TreeFigures | null;
}

/** Throughput over all passes together: total events over total time. */
export const pooled = (passes: readonly Pass[]): number =>
  passes.reduce((sum, p) => sum + p.events, 0) / passes.reduce((sum, p) => sum + p.seconds, 0);

export function auditChecks(figures: AuditFigures): TargetCheck[] {
  const checks: TargetCheck[] = [];
  if (figures.verify.length > 0) {
    const actual = pooled(figures.verify);
    const threshold = auditTargets.verifyEventsPerSecond;
    const breaks = figures.verify.reduce((sum, v) => sum + v.breaks, 0);
    checks.push({
      name: 'events:verify (chains and tree), whole log, events/s',
      actual,
      threshold,
      pass: actual >= threshold && breaks === 0,
      ...(breaks > 0 ? { note: `${breaks} broken links reported on an untouched log` } : {}),
    });
  }
  const latency = (name: string, timing: TimedRequests) => {
    const note = timing.failures > 0 ? `${timing.failures} requests failed` : undefined;
    const pass = timing.p99Ms <= auditTargets.p99Ms && timing.failures === 0;
    checks.push({
      name,
      actual: timing.p99Ms,
      threshold: auditTargets.p99Ms,
      pass,
      ...(note ? { note } : {}),
    });
  };
  if (figures.http) {
    latency('timeline, HTTP, p99 ms (at most)', figures.http.timeline);
    latency('state as of a version, HTTP, p99 ms (at most)', figures.http.stateAsOfVersion);
    latency('state as of a time, HTTP, p99 ms (at most)', figures.http.stateAsOfTime);
  }
  if (figures.tree) checks.push(...treeChecks(figures.tree));
  return checks;
}

const rate = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(1);

export function formatAuditTable(figures: AuditFigures): string {
  const checks = new Map(auditChecks(figures).map((check) => [check.name, check]));
  const verdict = (name: string, label: string) => {
    const check = checks.get(name);
    return check ? `${check.pass ? 'PASS' : 'MISS'} (${check.note ?? label})` : '';
  };
  const readAll = pooled(figures.readAll);
  const rows: string[][] = [];
  if (figures.generation) {
    const g = figures.generation;
    rows.push([
      `generation (${rate(g.events)} events, ${g.seconds.toFixed(0)} s + indexes ${g.indexSeconds.toFixed(0)} s)`,
      '1',
      rate(g.eventsPerSecond),
      '',
      '',
      '',
      '',
    ]);
  }
  const passRow = (name: string, passes: readonly Pass[], ratio = '', target = '') => {
    if (passes.length > 0)
      rows.push([name, String(passes.length), rate(pooled(passes)), '', '', ratio, target]);
  };
  passRow('select count(*) from events', figures.count);
  passRow('readAll, whole log, no checks (batches of 5,000)', figures.readAll);
  if (figures.verify.length)
    passRow(
      'events:verify (chains and tree), whole log',
      figures.verify,
      `${(readAll / pooled(figures.verify)).toFixed(2)}x readAll time`,
      verdict('events:verify (chains and tree), whole log, events/s', '>= 100,000/s'),
    );
  const timed = (name: string, t: TimedRequests, check = '') =>
    rows.push([
      name,
      String(t.runs),
      '',
      ms(t.p50Ms),
      ms(t.p99Ms),
      t.failures ? `${t.failures} failed` : '',
      check ? verdict(check, '<= 50 ms') : '',
    ]);
  if (figures.http) {
    timed('timeline, first page, HTTP', figures.http.timeline, 'timeline, HTTP, p99 ms (at most)');
    timed(
      'state as of a version, HTTP',
      figures.http.stateAsOfVersion,
      'state as of a version, HTTP, p99 ms (at most)',
    );
    timed(
      'state as of a time, HTTP',
      figures.http.stateAsOfTime,
      'state as of a time, HTTP, p99 ms (at most)',
    );
    timed('history search, type filter, first page, HTTP', figures.http.searchByType);
    for (const l of figures.http.longest)
      rows.push([
        `longest ${l.streamId} (${rate(l.events)} events)`,
        '1',
        '',
        ms(l.timelineMs),
        l.stateAsOfMs === null ? '-' : ms(l.stateAsOfMs),
        'timeline / state',
        '',
      ]);
  } else if (figures.queries)
    rows.push(['HTTP measures', '-', '', '', '', 'missing: no auditor routes', '']);
  if (figures.queries) {
    timed('loadTimeline only (no HTML)', figures.queries.timeline);
    timed('readStream + fold only (no HTML)', figures.queries.stateAsOfVersion);
  }
  if (figures.tree) rows.push(...treeRows(figures.tree, verdict));
  const header = ['measurement', 'runs', 'events/s', 'p50 ms', 'p99 ms', 'ratio / note', 'target'];
  const widths = header.map((_, i) =>
    Math.max(...[header, ...rows].map((r) => (r[i] ?? '').length)),
  );
  const render = (r: string[]) =>
    r
      .map((cell, i) => (i >= 1 && i <= 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join(' | ');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(render)].join(
    '\n',
  );
}
