import type { FastifyBaseLogger } from 'fastify';
import { ProjectionRunner } from '../platform/subscriptions/projectionRunner.js';
import type { Runtime } from '../runtime.js';
import { cliProjections } from './cliProjections.js';
import { countEvents } from './eventsVerify.js';
import { progressReporter } from './progress.js';

/** projections:rebuild [name] — empties the read model(s) and replays the whole log. */
export async function projectionsRebuild(
  runtime: Runtime,
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
  const allProjections = cliProjections(runtime, { logger, utilityName });
  const chosen = name ? allProjections.filter((p) => p.name === name) : allProjections;
  if (chosen.length === 0) {
    out(`Unknown projection "${name}". Known: ${allProjections.map((p) => p.name).join(', ')}`);
    return 2;
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
