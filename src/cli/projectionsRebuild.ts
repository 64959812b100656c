import type { FastifyBaseLogger } from 'fastify';
import { rebuildLedger } from '../audit/jobLedger.js';
import { BackgroundJobs } from '../audit/verifyJobs.js';
import { subscriberKind, type SubscriberKind } from '../platform/subscriptions/projection.js';
import { ProjectionRunner } from '../platform/subscriptions/projectionRunner.js';
import { cliProjections } from './cliProjections.js';
import { countEvents } from './eventsVerify.js';
import { progressReporter } from './progress.js';

/** Why a subscriber that is no read model keeps its own checkpoint. */
const whyNot: Record<SubscriberKind, string> = {
  'read-model': '',
  'process-manager': 'it gave its commands once; replayed, it would give them again',
  reactor: 'its mail was sent once; replayed, it would send what was never sent before',
};

/**
 * projections:rebuild [name] — rebuilds the read models (or the one named) from the whole log,
 * beside the live tables, and swaps them in at the end: a portal running meanwhile serves the old
 * ones until then. It writes no event and sends no mail: reactors and process managers are never
 * replayed, they keep their own checkpoints.
 */
export async function projectionsRebuild(
  runtime: Parameters<typeof cliProjections>[0] & Parameters<typeof countEvents>[0],
  args: readonly string[],
  {
    logger,
    out,
    utilityName,
  }: {
    logger: FastifyBaseLogger;
    out: (line: string) => void;
    utilityName: string;
  },
): Promise<number> {
  const [name] = args;
  const subscribers = cliProjections(runtime, { logger, utilityName });
  const readModels = subscribers.filter((s) => subscriberKind(s) === 'read-model');
  const named = subscribers.find((s) => s.name === name);
  if (name && !named) {
    out(`Unknown projection "${name}". Known: ${readModels.map((p) => p.name).join(', ')}`);
    return 2;
  }
  if (named && subscriberKind(named) !== 'read-model') {
    out(
      `${name} is a ${subscriberKind(named)}: it is never rebuilt (${whyNot[subscriberKind(named)]}).`,
    );
    return 2;
  }
  // All: the read models. Reactors (mail, erased keys) and process managers keep their place.
  const chosen = named ? [named] : readModels;
  if (!named) {
    for (const skipped of subscribers.filter((s) => subscriberKind(s) !== 'read-model')) {
      out(`${skipped.name}: left as it is (${subscriberKind(skipped)})`);
    }
  }
  const runner = new ProjectionRunner({
    db: runtime.database.db,
    store: runtime.eventStore,
    projections: chosen,
    logger,
  });
  const label = named ? named.name : `${chosen.length} read models`;
  // The one rebuild slot of the whole portal (src/audit/jobLedger.ts): the auditors' page shows
  // this one's progress, and refuses another meanwhile, as this refuses theirs.
  const jobs = new BackgroundJobs<number>({
    onError: (error) => (error instanceof Error ? error.message : String(error)),
    ledger: rebuildLedger(runtime.database.db),
  });
  const names = chosen.map((projection) => projection.name);
  // Killed halfway, it is taken over by a portal running on the database (jobLedger.ts).
  const claim = await jobs.claim({
    // What the auditors' page names («È in corso la ricostruzione di …»), in its language.
    subject: named ? named.name : `tutte le viste (${chosen.length})`,
    startedBy: 'riga di comando',
    now: clock,
    resume: { projections: names },
  });
  if (!claim) {
    const running = await jobs.current();
    out(
      `A rebuild is running already (${running?.subject ?? '?'}, started by ${running?.startedBy ?? '?'}): wait for it to finish.`,
    );
    return 1;
  }
  const total = await countEvents(runtime).catch(async (error: unknown) => {
    await claim.release();
    throw error;
  });
  // One read of the log feeds them all; the new tables replace the old ones together at the end.
  if (!named) out(`Rebuilt together: ${names.join(', ')}`);
  const progress = progressReporter(label, total);
  const job = claim.start(total, ({ progress: shared, signal }) =>
    runner.rebuildTogether(
      names,
      (n) => {
        progress.update(n);
        shared(n);
      },
      signal,
    ),
  );
  await jobs.settled();
  if (job.state === 'failed') throw new Error(job.error ?? 'The rebuild failed');
  // Its heartbeat late, a portal process took it over: the rebuild goes on there, not here.
  if (job.state === 'running') {
    out(`${label}: taken over by a portal process; follow it on /revisione/proiezioni`);
    return 1;
  }
  const events = job.result!;
  const { seconds, perSecond } = progress.finish(events);
  out(`${label}: ${events} events in ${seconds.toFixed(2)} s (${perSecond} events/s)`);
  return 0;
}

const clock = () => new Date();
