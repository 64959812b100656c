import type { FastifyBaseLogger } from 'fastify';
import { subscriberKind } from '../platform/subscriptions/projection.js';
import { ProjectionRunner } from '../platform/subscriptions/projectionRunner.js';
import { cliProjections } from './cliProjections.js';
import { countEvents } from './eventsVerify.js';
import { progressReporter } from './progress.js';

/**
 * projections:rebuild [name] — empties the read models (or the one named, a reactor too) and
 * replays the whole log into them. It writes no event: process managers are never replayed.
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
  const rebuildable = subscribers.filter((s) => subscriberKind(s) !== 'process-manager');
  const named = subscribers.find((s) => s.name === name);
  if (name && !named) {
    out(`Unknown projection "${name}". Known: ${rebuildable.map((p) => p.name).join(', ')}`);
    return 2;
  }
  if (named && subscriberKind(named) === 'process-manager') {
    out(
      `${name} is a process manager: it is never rebuilt (it gave its commands once and keeps its own checkpoint).`,
    );
    return 2;
  }
  // All: the read models. Reactors (mail, erased keys) and process managers keep their place.
  const chosen = named ? [named] : subscribers.filter((s) => subscriberKind(s) === 'read-model');
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
  for (const projection of chosen) {
    const progress = progressReporter(projection.name, total);
    const events = await runner.rebuild(projection.name, (n) => progress.update(n));
    const { seconds, perSecond } = progress.finish(events);
    out(`${projection.name}: ${events} events in ${seconds.toFixed(2)} s (${perSecond} events/s)`);
  }
  return 0;
}
