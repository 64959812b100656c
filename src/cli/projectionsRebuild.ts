import type { FastifyBaseLogger } from 'fastify';
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
  const total = await countEvents(runtime);
  // One read of the log feeds them all; the new tables replace the old ones together at the end.
  const label = named ? named.name : `${chosen.length} read models`;
  if (!named) out(`Rebuilt together: ${chosen.map((projection) => projection.name).join(', ')}`);
  const progress = progressReporter(label, total);
  const events = await runner.rebuildTogether(
    chosen.map((projection) => projection.name),
    (n) => progress.update(n),
  );
  const { seconds, perSecond } = progress.finish(events);
  out(`${label}: ${events} events in ${seconds.toFixed(2)} s (${perSecond} events/s)`);
  return 0;
}
