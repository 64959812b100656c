import pino from 'pino';
import { allProjections } from '../projections/index.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './db/dataDirLock.js';
import { ProjectionRunner } from './projections/projectionRunner.js';
import { cookieSecret, openRuntime } from './runtime.js';

/** Composition root: config → database → event store → projections → app → listen. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL });
  const runtime = await openRuntime(config);
  const projections = new ProjectionRunner({
    db: runtime.database.db,
    store: runtime.eventStore,
    projections: allProjections,
    logger,
  });
  await projections.start();
  const app = await buildApp({
    config,
    logger,
    clock: () => new Date(),
    database: runtime.database,
    eventStore: runtime.eventStore,
    projections,
    cookieSecret: cookieSecret(config),
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`Arresto in corso (${signal})…`);
    await app.close(); // stops accepting, lets requests in flight finish
    await projections.stop(); // at a committed checkpoint
    await runtime.close();
    console.log('Arresto completato.');
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));

  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url =
    config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  console.log(`\nDichiara è pronto: ${url}\nArchivio: ${runtime.storageLabel}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(error.message);
  } else {
    console.error('Avvio non riuscito:', error);
  }
  process.exit(1);
});
