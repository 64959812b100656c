import type { FastifyBaseLogger } from 'fastify';
import { createProjections } from '../subscribers.js';
import type { Runtime } from '../runtime.js';

/** Every subscriber as the portal runs it, over the storage the command line opened. */
export const cliProjections = (
  runtime: Pick<
    Runtime,
    'database' | 'eventStore' | 'cookieSecret' | 'publicUrl' | 'seal' | 'headWitness'
  >,
  { logger, utilityName }: { logger: FastifyBaseLogger; utilityName: string },
) =>
  createProjections({
    db: runtime.database.db,
    store: runtime.eventStore,
    logger,
    cookieSecret: runtime.cookieSecret,
    publicUrl: () => runtime.publicUrl,
    now: () => new Date(),
    utilityName,
    seal: runtime.seal,
    headWitness: runtime.headWitness,
  });
