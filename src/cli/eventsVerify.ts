import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { systemContext } from '../accounts/staffAccounts.js';
import { runVerification } from '../audit/verifyIntegrity.js';
import type { Runtime } from '../runtime.js';
import { progressReporter } from './progress.js';

/**
 * events:verify — walks every stream's hash chain; exit code 1 names the first broken link. The
 * check is recorded as an IntegrityVerified event (actor: system), as from the auditor's page.
 */
export async function eventsVerify(runtime: Runtime, out: (line: string) => void): Promise<number> {
  const total = await countEvents(runtime);
  const progress = progressReporter('Verifica', total);
  const { correlationId, actor, clientIp } = systemContext(new Date());
  const report = await runVerification(
    { store: runtime.eventStore, clock: () => new Date() },
    {
      verificationId: randomUUID(),
      scope: 'log',
      context: { correlationId, actor, clientIp },
      onProgress: (n) => progress.update(n),
    },
  );
  progress.finish(report.events);
  const first = report.breaks[0];
  if (!first) {
    out(`OK: ${report.events} events in ${report.streams} streams`);
    return 0;
  }
  const what = first.problem === 'altered' ? 'altered' : 'missing';
  out(`BROKEN: stream ${first.streamId} version ${first.version} is ${what}`);
  for (const other of report.breaks.slice(1, 20)) {
    out(`  also: stream ${other.streamId} version ${other.version} is ${other.problem}`);
  }
  out(
    `${report.breaks.length} broken link(s) in ${report.events} events, ${report.streams} streams`,
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
