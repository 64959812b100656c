import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { systemContext } from '../accounts/staffAccounts.js';
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
      { store: runtime.eventStore, clock: () => new Date() },
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
  if (report.breaks.length === 0) {
    out(`OK: ${report.events} events in ${report.streams} streams`);
    return 0;
  }
  for (const broken of report.breaks) {
    out(`BROKEN: stream ${broken.streamId} version ${broken.version} is ${broken.problem}`);
  }
  const count = (problem: string) => report.breaks.filter((b) => b.problem === problem).length;
  out(
    `${report.breaks.length} broken link(s) (${count('altered')} altered, ` +
      `${count('missing')} missing, ${count('added')} added) in ${report.events} events, ` +
      `${report.streams} streams`,
  );
  return 1;
}

/** For the progress bar; null when the events are not in PostgreSQL (KurrentDB). */
export async function countEvents(runtime: Runtime): Promise<number | null> {
  if (runtime.usesKurrent) return null;
  const { rows } = await sql<{ count: string }>`select count(*) as count from events`.execute(
    runtime.database.db,
  );
  return Number(rows[0]?.count ?? 0);
}
