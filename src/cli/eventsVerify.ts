import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { systemContext } from '../accounts/staffAccounts.js';
import type { HeadSource, TreeProblem } from '../audit/treeCheck.js';
import { runVerification } from '../audit/verifyIntegrity.js';
import type { Runtime } from '../runtime.js';
import { progressReporter } from './progress.js';

/**
 * events:verify — walks every stream's hash chain; exit code 1 lists every broken link (the page
 * shows the first 100, the recorded event keeps them too, this lists them all), then a summary.
 * The check is recorded as an IntegrityVerified event (actor: system), as from the auditor's page;
 * a check that fails, or is stopped with Ctrl-C, is recorded as IntegrityVerificationFailed.
 */
export async function eventsVerify(runtime: Runtime, out: (line: string) => void): Promise<number> {
  const total = await countEvents(runtime);
  const progress = progressReporter('Verifica', total);
  const { correlationId, actor, clientIp } = systemContext(new Date());
  const stop = new AbortController();
  const interrupt = () => stop.abort();
  process.once('SIGINT', interrupt);
  let report;
  try {
    report = await runVerification(
      {
        store: runtime.eventStore,
        clock: () => new Date(),
        transparency: {
          db: runtime.database.db,
          publicKey: runtime.seal.publicKey,
          tagKey: runtime.tagKey,
          witness: runtime.headWitness,
        },
      },
      {
        verificationId: randomUUID(),
        scope: 'log',
        context: { correlationId, actor, clientIp },
        onProgress: (n) => progress.update(n),
        signal: stop.signal,
      },
    );
  } catch (error) {
    if (!stop.signal.aborted) throw error;
    out('ABORTED: verification stopped; recorded as IntegrityVerificationFailed');
    return 130;
  } finally {
    process.off('SIGINT', interrupt);
  }
  progress.finish(report.events);
  if (report.tree?.witnessMissing)
    out(
      'NOTE: no signed head is kept outside the database in this DATA_DIR (testa-firmata.json): ' +
        'a log cut back with its heads would go unseen; run where the portal keeps its data',
    );
  const treeProblems = report.tree?.problems ?? [];
  if (report.breaks.length === 0 && treeProblems.length === 0) {
    const signed = report.tree?.signedSize ?? 0;
    out(
      `OK: ${report.events} events in ${report.streams} streams` +
        (signed > 0 ? `; the tree matches the signed heads (up to ${signed} events)` : ''),
    );
    return 0;
  }
  for (const broken of report.breaks) {
    out(`BROKEN: stream ${broken.streamId} version ${broken.version} is ${broken.problem}`);
  }
  for (const problem of treeProblems) out(`BROKEN: ${treeProblemLine(problem)}`);
  const count = (problem: string) => report.breaks.filter((b) => b.problem === problem).length;
  out(
    `${report.breaks.length} broken link(s) (${count('altered')} altered, ` +
      `${count('missing')} missing, ${count('added')} added)` +
      (treeProblems.length > 0 ? ` and ${treeProblems.length} tree problem(s)` : '') +
      ` in ${report.events} events, ${report.streams} streams`,
  );
  return 1;
}

const headSources: Record<HeadSource, string> = {
  view: 'the latest recorded head',
  log: 'the latest head in the log itself',
  witness: 'the head kept outside the database',
};

function treeProblemLine(problem: TreeProblem): string {
  switch (problem.problem) {
    case 'leaf':
      return `from leaf ${problem.leaf} (event ${problem.eventId}) the log is not what the Merkle tree took in: events altered, inserted or removed`;
    case 'backdated':
      return `event ${problem.eventId} (leaf ${problem.leaf}) says it was recorded at ${problem.recordedAt}, but the head signed at ${problem.after}, which holds every event written by then, leaves it out: written later, dated earlier`;
    case 'shorter':
      return `the Merkle tree has ${problem.treeSize} leaves, the log ${problem.events} events: events removed`;
    case 'unsigned':
      return `${headSources[problem.source]}${problem.size === null ? '' : ` (${problem.size} events)`} is not signed by this portal's key`;
    case 'truncated':
      return `${headSources[problem.source]} signed ${problem.size} events, the log now has ${problem.events}: truncated`;
    case 'rewritten':
      return `the log's first ${problem.size} events are not those ${headSources[problem.source]} signed: rewritten`;
    case 'untagged':
      return `event ${problem.eventId} (stream ${problem.streamId} version ${problem.version}, leaf ${problem.leaf}) comes after the latest signed head without the portal's tag: not written by the portal`;
    case 'repeated':
      return `event ${problem.eventId} (stream ${problem.streamId} version ${problem.version}, leaf ${problem.leaf}) comes after the latest signed head and copies an event already in the log: not written by the portal`;
  }
}

/** For the progress bar; null when the events are not in PostgreSQL (KurrentDB). */
export async function countEvents(
  runtime: Pick<Runtime, 'usesKurrent' | 'database'>,
): Promise<number | null> {
  if (runtime.usesKurrent) return null;
  const { rows } = await sql<{ count: string }>`select count(*) as count from events`.execute(
    runtime.database.db,
  );
  return Number(rows[0]?.count ?? 0);
}
